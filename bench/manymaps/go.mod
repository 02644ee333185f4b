module manymaps

go 1.19
