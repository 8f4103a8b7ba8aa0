module github.com/paygress/traefik-paygress-headers

go 1.22
