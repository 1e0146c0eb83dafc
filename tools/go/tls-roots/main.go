// Command tls-roots shows which CAs a Go TLS client trusts when it leaves tls.Config.RootCAs
// unset, as steward-tcp-proxy v0.2.0 does for its upstream (internal/proxy/server.go): the
// system roots, which crypto/x509 reads from SSL_CERT_FILE and the SSL_CERT_DIR folders when
// those are set (root_unix.go). The test suite runs it with the variables tenant-edge renders.
//
//	tls-roots gen DIR           writes two CAs (tenant, other), each with a serving certificate
//	                            for HOST, as DIR/<ca>.crt, DIR/<ca>-server.crt and -server.key
//	tls-roots dial DIR CA HOST  serves HOST with CA's certificate on a local port, dials it the
//	                            way the proxy does, and prints "verified" or the error
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tls-roots:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 3 && args[0] == "gen":
		for _, name := range []string{"tenant", "other"} {
			if err := generate(args[1], name, args[2]); err != nil {
				return err
			}
		}
		return nil
	case len(args) == 4 && args[0] == "dial":
		return dial(args[1], args[2], args[3])
	}
	return fmt.Errorf("usage: tls-roots gen DIR HOST | tls-roots dial DIR CA HOST")
}

func writePEM(file, kind string, der []byte) error {
	return os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600)
}

func generate(dir, name, host string) error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name + "-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := writePEM(filepath.Join(dir, name+".crt"), "CERTIFICATE", caDER); err != nil {
		return err
	}
	if err := writePEM(filepath.Join(dir, name+"-server.crt"), "CERTIFICATE", leafDER); err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, name+"-server.key"), "EC PRIVATE KEY", keyDER)
}

func dial(dir, ca, host string) error {
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, ca+"-server.crt"), filepath.Join(dir, ca+"-server.key"))
	if err != nil {
		return err
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		return err
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				_ = c.(*tls.Conn).Handshake()
				c.Close()
			}()
		}
	}()
	// The proxy's upstream configuration: a server name, a minimum version, and no RootCAs.
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", ln.Addr().String(), &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12})
	if err != nil {
		fmt.Println(err.Error())
		return nil
	}
	conn.Close()
	fmt.Println("verified")
	return nil
}
