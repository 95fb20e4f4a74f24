"""faircasso: the case workflow of a socially responsible collection agency."""
