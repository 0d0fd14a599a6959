module aftersales.dev/aftersales

go 1.19
