"""Motif handling: filters to PWMs (``pwm``), JASPAR collections through pyjaspar
(``jaspar``), and TOMTOM comparison with MEME's binary or memelite (``tomtom``)."""
