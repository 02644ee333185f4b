module localsample

go 1.19
