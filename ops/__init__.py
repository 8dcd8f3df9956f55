"""Operations: the fault drill, the soak, backups (see the README, "Operations")."""
