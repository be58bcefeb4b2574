#!/bin/bash
# one entry per process, each with its own time limit (sympy can stall on transcendental solvesets)
for id in "$@"; do
  timeout 300 python3 exact.py $id > logs/exact_$id.txt 2>&1 || echo "TIMEOUT/ERR $id" >> logs/exact_$id.txt
done
