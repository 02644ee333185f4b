module htmlsample

go 1.19
