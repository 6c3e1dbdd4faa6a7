"""The networks of the paper, as ``nn.Sequential`` of named modules returning logits."""
