-- The target table of the example pipeline (MariaDB / MySQL).
CREATE DATABASE IF NOT EXISTS ferry_demo;
CREATE TABLE IF NOT EXISTS ferry_demo.emp (
  emp_id     INT PRIMARY KEY,
  first_name VARCHAR(100) NOT NULL,
  last_name  VARCHAR(100) NOT NULL,
  country    VARCHAR(100),
  salary     DECIMAL(12, 2)
);
