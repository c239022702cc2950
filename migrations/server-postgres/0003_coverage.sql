-- A regional officer's role covers whole countries: they read every workspace
-- of those countries, as a viewer, without being a member of each. Countries
-- match the workspaces' own country names, ignoring case.
CREATE TABLE coverage (
    user_id BIGINT NOT NULL REFERENCES users (id),
    country TEXT NOT NULL,
    PRIMARY KEY (user_id, country)
);
