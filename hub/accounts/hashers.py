"""The password hasher: Argon2id with the parameters OWASP's password storage guidance gives
for it (19 MiB of memory, 2 passes, 1 lane). Django's own defaults (100 MiB, 8 lanes) cost
a 2-core server most of a second per sign-in, so a burst of sign-ins queued behind each
other; these keep the hash memory-hard at about a seventh of the time. Django checks the
parameters of a stored hash at each sign-in and rehashes it when they differ."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
