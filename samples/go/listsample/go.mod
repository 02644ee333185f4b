module listsample

go 1.19
