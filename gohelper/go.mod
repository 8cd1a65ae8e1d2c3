module heaplens.dev/gohelper

go 1.21
