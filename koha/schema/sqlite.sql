-- The Koha tables of mariadb.sql, in SQLite's dialect, for the embedded demo database only.
-- Same tables, columns, defaults, keys and foreign keys; MariaDB's `ON UPDATE current_timestamp()`
-- becomes a trigger, enums become CHECK constraints.

CREATE TABLE "branches" (
  "branchcode" varchar(10) NOT NULL DEFAULT '' PRIMARY KEY,
  "branchname" text NOT NULL,
  "pickup_location" integer NOT NULL DEFAULT 1,
  "public" integer NOT NULL DEFAULT 1
);

CREATE TABLE "borrowers" (
  "borrowernumber" integer PRIMARY KEY AUTOINCREMENT,
  "cardnumber" varchar(32) DEFAULT NULL UNIQUE,
  "surname" text DEFAULT NULL,
  "firstname" text DEFAULT NULL,
  "branchcode" varchar(10) NOT NULL DEFAULT '' REFERENCES "branches" ("branchcode"),
  "categorycode" varchar(10) NOT NULL DEFAULT '',
  "userid" varchar(75) DEFAULT NULL UNIQUE,
  "password" varchar(60) DEFAULT NULL,
  "flags" bigint DEFAULT NULL,
  "email" text DEFAULT NULL,
  "lang" varchar(25) NOT NULL DEFAULT 'default',
  "login_attempts" integer NOT NULL DEFAULT 0,
  "password_expiration_date" date DEFAULT NULL,
  "auth_method" varchar(10) NOT NULL DEFAULT 'password' CHECK ("auth_method" IN ('password', 'two-factor'))
);

CREATE TABLE "userflags" (
  "bit" integer NOT NULL DEFAULT 0 PRIMARY KEY,
  "flag" varchar(30) DEFAULT NULL,
  "flagdesc" varchar(255) DEFAULT NULL,
  "defaulton" integer DEFAULT NULL
);

CREATE TABLE "permissions" (
  "module_bit" integer NOT NULL DEFAULT 0 REFERENCES "userflags" ("bit") ON DELETE CASCADE ON UPDATE CASCADE,
  "code" varchar(64) NOT NULL DEFAULT '',
  "description" varchar(255) DEFAULT NULL,
  PRIMARY KEY ("module_bit", "code")
);

CREATE TABLE "user_permissions" (
  "borrowernumber" integer NOT NULL DEFAULT 0 REFERENCES "borrowers" ("borrowernumber") ON DELETE CASCADE ON UPDATE CASCADE,
  "module_bit" integer NOT NULL DEFAULT 0,
  "code" varchar(64) NOT NULL,
  PRIMARY KEY ("borrowernumber", "module_bit", "code"),
  FOREIGN KEY ("module_bit", "code") REFERENCES "permissions" ("module_bit", "code") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "api_keys" (
  "client_id" varchar(191) NOT NULL PRIMARY KEY,
  "secret" varchar(191) NOT NULL UNIQUE,
  "description" varchar(255) NOT NULL,
  "patron_id" integer NOT NULL REFERENCES "borrowers" ("borrowernumber") ON DELETE CASCADE ON UPDATE CASCADE,
  "active" integer NOT NULL DEFAULT 1
);

-- Koha's own OAuth tokens: kohapay never reads nor writes them (see mariadb.sql).
CREATE TABLE "oauth_access_tokens" (
  "access_token" varchar(191) NOT NULL PRIMARY KEY,
  "client_id" varchar(191) NOT NULL,
  "expires" integer NOT NULL
);

CREATE TABLE "account_debit_types" (
  "code" varchar(80) NOT NULL PRIMARY KEY,
  "description" varchar(200) DEFAULT NULL,
  "can_be_invoiced" integer NOT NULL DEFAULT 1,
  "can_be_sold" integer NOT NULL DEFAULT 0,
  "default_amount" decimal(28,6) DEFAULT NULL,
  "is_system" integer NOT NULL DEFAULT 0,
  "archived" integer NOT NULL DEFAULT 0,
  "restricts_checkouts" integer NOT NULL DEFAULT 1
);

CREATE TABLE "account_credit_types" (
  "code" varchar(80) NOT NULL PRIMARY KEY,
  "description" varchar(200) DEFAULT NULL,
  "can_be_added_manually" integer NOT NULL DEFAULT 1,
  "credit_number_enabled" integer NOT NULL DEFAULT 0,
  "is_system" integer NOT NULL DEFAULT 0,
  "archived" integer NOT NULL DEFAULT 0
);

CREATE TABLE "account_debit_types_branches" (
  "debit_type_code" varchar(80) DEFAULT NULL REFERENCES "account_debit_types" ("code") ON DELETE CASCADE,
  "branchcode" varchar(10) DEFAULT NULL REFERENCES "branches" ("branchcode") ON DELETE CASCADE
);

CREATE TABLE "account_credit_types_branches" (
  "credit_type_code" varchar(80) DEFAULT NULL REFERENCES "account_credit_types" ("code") ON DELETE CASCADE,
  "branchcode" varchar(10) DEFAULT NULL REFERENCES "branches" ("branchcode") ON DELETE CASCADE
);

CREATE TABLE "cash_registers" (
  "id" integer PRIMARY KEY AUTOINCREMENT,
  "name" varchar(24) NOT NULL,
  "description" text NOT NULL,
  "branch" varchar(10) NOT NULL REFERENCES "branches" ("branchcode") ON DELETE CASCADE ON UPDATE CASCADE,
  "branch_default" integer NOT NULL DEFAULT 0,
  "starting_float" decimal(28,6) DEFAULT NULL,
  "archived" integer NOT NULL DEFAULT 0,
  UNIQUE ("name", "branch")
);

CREATE TABLE "cash_register_actions" (
  "id" integer PRIMARY KEY AUTOINCREMENT,
  "code" varchar(24) NOT NULL,
  "register_id" integer NOT NULL REFERENCES "cash_registers" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
  "manager_id" integer NOT NULL REFERENCES "borrowers" ("borrowernumber") ON DELETE CASCADE ON UPDATE CASCADE,
  "amount" decimal(28,6) DEFAULT NULL,
  "timestamp" datetime NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE "authorised_value_categories" (
  "category_name" varchar(32) NOT NULL DEFAULT '' PRIMARY KEY,
  "is_system" integer DEFAULT 0
);

CREATE TABLE "authorised_values" (
  "id" integer PRIMARY KEY AUTOINCREMENT,
  "category" varchar(32) NOT NULL DEFAULT '' REFERENCES "authorised_value_categories" ("category_name") ON DELETE CASCADE ON UPDATE CASCADE,
  "authorised_value" varchar(80) NOT NULL DEFAULT '',
  "lib" varchar(200) DEFAULT NULL,
  "lib_opac" varchar(200) DEFAULT NULL,
  "imageurl" varchar(200) DEFAULT NULL,
  UNIQUE ("category", "authorised_value")
);

CREATE TABLE "authorised_values_branches" (
  "av_id" integer NOT NULL REFERENCES "authorised_values" ("id") ON DELETE CASCADE,
  "branchcode" varchar(10) NOT NULL REFERENCES "branches" ("branchcode") ON DELETE CASCADE
);

CREATE TABLE "systempreferences" (
  "variable" varchar(50) NOT NULL DEFAULT '' PRIMARY KEY,
  "value" text DEFAULT NULL,
  "options" text DEFAULT NULL,
  "explanation" text DEFAULT NULL,
  "type" varchar(20) DEFAULT NULL
);

CREATE TABLE "accountlines" (
  "accountlines_id" integer PRIMARY KEY AUTOINCREMENT,
  "issue_id" integer DEFAULT NULL,
  "borrowernumber" integer DEFAULT NULL REFERENCES "borrowers" ("borrowernumber") ON DELETE SET NULL ON UPDATE CASCADE,
  "itemnumber" integer DEFAULT NULL,
  "date" datetime NULL DEFAULT NULL,
  "amount" decimal(28,6) DEFAULT NULL,
  "description" text DEFAULT NULL,
  "credit_type_code" varchar(80) DEFAULT NULL REFERENCES "account_credit_types" ("code") ON UPDATE CASCADE,
  "debit_type_code" varchar(80) DEFAULT NULL REFERENCES "account_debit_types" ("code") ON UPDATE CASCADE,
  "credit_number" varchar(20) DEFAULT NULL,
  "status" varchar(16) DEFAULT NULL,
  "payment_type" varchar(80) DEFAULT NULL,
  "amountoutstanding" decimal(28,6) DEFAULT NULL,
  "timestamp" datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "note" text DEFAULT NULL,
  "manager_id" integer DEFAULT NULL REFERENCES "borrowers" ("borrowernumber") ON DELETE SET NULL ON UPDATE CASCADE,
  "register_id" integer DEFAULT NULL REFERENCES "cash_registers" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
  "interface" varchar(16) NOT NULL,
  "branchcode" varchar(10) DEFAULT NULL REFERENCES "branches" ("branchcode") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE INDEX "acctsborridx" ON "accountlines" ("borrowernumber");
CREATE INDEX "timeidx" ON "accountlines" ("timestamp");
CREATE INDEX "accountlines_ibfk_registers" ON "accountlines" ("register_id");
CREATE INDEX "accountlines_branchcode" ON "accountlines" ("branchcode");
CREATE TRIGGER "accountlines_on_update_timestamp" AFTER UPDATE ON "accountlines"
  FOR EACH ROW WHEN NEW."timestamp" = OLD."timestamp"
  BEGIN UPDATE "accountlines" SET "timestamp" = CURRENT_TIMESTAMP WHERE "accountlines_id" = NEW."accountlines_id"; END;

CREATE TABLE "account_offsets" (
  "id" integer PRIMARY KEY AUTOINCREMENT,
  "credit_id" integer DEFAULT NULL REFERENCES "accountlines" ("accountlines_id") ON DELETE CASCADE ON UPDATE CASCADE,
  "debit_id" integer DEFAULT NULL REFERENCES "accountlines" ("accountlines_id") ON DELETE CASCADE ON UPDATE CASCADE,
  "type" varchar(16) NOT NULL CHECK ("type" IN ('CREATE','APPLY','VOID','OVERDUE_INCREASE','OVERDUE_DECREASE')),
  "amount" decimal(26,6) NOT NULL,
  "created_on" datetime NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "account_offsets_ibfk_p" ON "account_offsets" ("credit_id");
CREATE INDEX "account_offsets_ibfk_f" ON "account_offsets" ("debit_id");

CREATE TABLE "statistics" (
  "datetime" datetime DEFAULT NULL,
  "branch" varchar(10) DEFAULT NULL,
  "value" real DEFAULT NULL,
  "type" varchar(16) DEFAULT NULL,
  "other" text DEFAULT NULL,
  "itemnumber" integer DEFAULT NULL,
  "itemtype" varchar(10) DEFAULT NULL,
  "location" varchar(80) DEFAULT NULL,
  "borrowernumber" integer DEFAULT NULL,
  "ccode" varchar(80) DEFAULT NULL,
  "categorycode" varchar(10) DEFAULT NULL,
  "interface" varchar(30) DEFAULT NULL
);

CREATE TABLE "action_logs" (
  "action_id" integer PRIMARY KEY AUTOINCREMENT,
  "timestamp" datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "user" integer NOT NULL DEFAULT 0,
  "module" text DEFAULT NULL,
  "action" text DEFAULT NULL,
  "object" integer DEFAULT NULL,
  "info" text DEFAULT NULL,
  "interface" varchar(30) DEFAULT NULL,
  "script" varchar(255) DEFAULT NULL,
  "trace" text DEFAULT NULL
);
