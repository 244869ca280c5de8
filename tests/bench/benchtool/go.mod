module tollgate.dev/benchtool

go 1.22
