module mapsample

go 1.19
