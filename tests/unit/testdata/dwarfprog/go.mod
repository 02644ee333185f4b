module dwarfprog

go 1.19
