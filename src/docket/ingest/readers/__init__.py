"""One reader per format. Each turns a file's bytes into Documents or raises ReadError with the reason."""
