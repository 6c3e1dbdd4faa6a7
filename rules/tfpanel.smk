# Rules of the tfpanel analysis (see CONTRIBUTING.md for conventions).
