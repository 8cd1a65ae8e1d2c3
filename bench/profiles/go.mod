module heaplens.local/benchprofiles

go 1.21
