"""Floor 6: the live-formula workbooks (openpyxl): the house style, the thesis model with its
sensitivity sheet, interference rights, the exchange, local licences, and the files that carry a
user's own inputs.  (The repository's ``workbooks/`` folder holds the files these build.)"""
