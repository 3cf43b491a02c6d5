DROP TABLE access.password_tokens;
