"""Reading and writing images, videos and result files, with errors that name the file."""
