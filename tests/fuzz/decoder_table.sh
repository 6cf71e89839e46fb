#!/bin/sh
# Turns `rsdkgen --list` (command, C function, result kind[+shape][+pairs],
# tab-separated; "-" for commands without a binding) into one X-macro line
# per generated decoder, in the order of the module's metadata table:
#   D(rcore_get, string, STRING)
exec awk -F '\t' '$2 != "-" {
    split($3, kind, "+")
    printf "D(%s, %s, %s)\n", $2, kind[1], toupper(kind[1])
}'
