-- Least privilege for the application role (ledger_app), the role the API and every recording process connect as.
--
-- Users are issued and revoked only through the owner's path (`ledger users`): an API process that is compromised
-- must not be able to mint itself a national approver, nor revoke the auditors who would notice. The API reads users
-- to authenticate, nothing more.
revoke insert, update on ledger.api_users from ledger_app;

-- A process connected as the application role checks that the schema is up to date before it serves (and refuses
-- to start when migrations are pending); it may read which migrations were applied, never record one.
grant select on public.ledger_schema_migrations to ledger_app;
