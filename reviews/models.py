# Functional-test and security-check records (DOMAIN §2 steps 2-3, §7) live here.
