"""Production configurations that apply cfgtool serve's rules: nginx and tftpd-hpa."""
