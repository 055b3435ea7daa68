-- The hands-on's table. SQL that MySQL 8.4 and MariaDB (the local stand-in) both accept.
CREATE TABLE customers (
  id BIGINT NOT NULL PRIMARY KEY,
  value VARCHAR(1024) NOT NULL
) DEFAULT CHARSET = utf8mb4;
