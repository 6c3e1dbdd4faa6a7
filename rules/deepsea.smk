# Rules of the deepsea analysis (see CONTRIBUTING.md for conventions).
