module swisssample

go 1.24
