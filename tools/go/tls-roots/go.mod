module tenant-edge.dev/tools/tls-roots

go 1.23
