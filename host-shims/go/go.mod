module github.com/paygress/paygress/host-shims/go

go 1.22
