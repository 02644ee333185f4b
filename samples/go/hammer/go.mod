module hammer

go 1.19
