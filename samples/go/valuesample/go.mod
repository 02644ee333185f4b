module valuesample

go 1.19
