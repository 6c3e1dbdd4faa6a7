# Rules of the synthetic analysis (see CONTRIBUTING.md for conventions).
