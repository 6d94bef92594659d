/*
 * BiToolsCheck -- what a BI tool does over JDBC, against saas_fdw tables
 * imported from the fake GitHub API: metadata (getTables, getColumns),
 * server-side prepared statements with generic plans, sampling queries
 * (LIMIT n, LIMIT 0, getMetaData, setMaxRows) and a cursor read with a
 * fetch size.
 *
 * Run by test/suites/jdbc.sh, which compiles it against Debian's PostgreSQL
 * JDBC driver and sets up the database: schema "github" imported from a
 * server with cache_ttl 0, so every query shows its own requests.
 * Environment: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE and
 * FAKE_GITHUB_URL (whose /_log?clear=1 lists and clears the requests made).
 * Prints "ok - name" / "not ok - name" lines; exits 1 when a check failed.
 */

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

public class BiToolsCheck {
    private static int failures = 0;

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /* Columns of github.issues as IMPORT FOREIGN SCHEMA creates them. */
    private static final String[][] ISSUE_COLUMNS = {
        {"repo", "text"}, {"number", "int4"}, {"id", "int8"}, {"title", "text"},
        {"body", "text"}, {"state", "text"}, {"state_reason", "text"},
        {"user_login", "text"}, {"labels", "_text"}, {"assignees", "_text"},
        {"milestone", "int4"}, {"comments", "int4"}, {"locked", "bool"},
        {"is_pull_request", "bool"}, {"created_at", "timestamptz"},
        {"updated_at", "timestamptz"}, {"closed_at", "timestamptz"},
        {"html_url", "text"}, {"attrs", "jsonb"},
    };

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", env("PGUSER"));
        props.setProperty("password", env("PGPASSWORD"));
        /* named server-side statements from the first execution on */
        props.setProperty("prepareThreshold", "1");
        String url = "jdbc:postgresql://" + env("PGHOST") + ":" + env("PGPORT") + "/" + env("PGDATABASE");

        try (Connection conn = DriverManager.getConnection(url, props)) {
            requests();     /* start from an empty log */
            metadata(conn);
            preparedStatement(conn);
            sampling(conn);
            cursor(conn);
        }
        System.exit(failures > 0 ? 1 : 0);
    }

    // ---- metadata ------------------------------------------------------

    private static void metadata(Connection conn) throws SQLException {
        DatabaseMetaData meta = conn.getMetaData();
        List<String> tables = new ArrayList<>();
        List<String> types = new ArrayList<>();
        boolean remarks = true;

        try (ResultSet rs = meta.getTables(null, "github", "%", new String[] {"FOREIGN TABLE"})) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME"));
                types.add(rs.getString("TABLE_TYPE"));
                remarks &= nonEmpty(rs.getString("REMARKS"));
            }
        }
        equal("getTables lists the imported tables",
              "[commits, issue_comments, issues, labels, milestones, pull_reviews, pulls, releases, repos, search_issues, workflow_runs]",
              tables.toString());
        equal("getTables calls them FOREIGN TABLE", "[FOREIGN TABLE]",
              new TreeSet<>(types).toString());
        check("getTables: every table has REMARKS (its IMPORT comment)", remarks, "a table without REMARKS");

        List<String> columns = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        List<String> withoutRemarks = new ArrayList<>();
        String stateRemarks = null;

        for (String[] column : ISSUE_COLUMNS)
            expected.add(column[0] + " " + column[1]);
        try (ResultSet rs = meta.getColumns(null, "github", "issues", "%")) {
            while (rs.next()) {
                String name = rs.getString("COLUMN_NAME");

                columns.add(name + " " + rs.getString("TYPE_NAME"));
                if (!nonEmpty(rs.getString("REMARKS")))
                    withoutRemarks.add(name);
                if (name.equals("state"))
                    stateRemarks = rs.getString("REMARKS");
            }
        }
        equal("getColumns reports every column of github.issues with its type", expected.toString(), columns.toString());
        equal("getColumns: every column has REMARKS", "[]", withoutRemarks.toString());
        equal("REMARKS say which filters push down", "open or closed; pushed down: =, IN", stateRemarks);
        equal("reading metadata makes no request", "[]", requests().toString());
    }

    // ---- prepared statements --------------------------------------------

    private static void preparedStatement(Connection conn) throws SQLException {
        String sql = "SELECT number, state FROM github.issues WHERE repo = ? AND state = ?";
        /* repository, state, rows (test/fake/README.md) */
        Object[][] runs = {
            {"octo/hello", "open", 153}, {"octo/hello", "closed", 97},
            {"octo/world", "open", 24}, {"octo/world", "closed", 16},
            {"acme/widgets", "open", 78}, {"acme/widgets", "closed", 42},
            {"acme/empty", "open", 0}, {"octo/world", "closed", 16},
            {"acme/widgets", "open", 78}, {"octo/hello", "closed", 97},
        };
        List<String> wrong = new ArrayList<>();

        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (Object[] run : runs) {
                String repo = (String) run[0];
                String state = (String) run[1];
                int rows = (Integer) run[2];
                TreeSet<Integer> numbers = new TreeSet<>();
                int count = 0;
                boolean sameState = true;

                ps.setString(1, repo);
                ps.setString(2, state);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        numbers.add(rs.getInt(1));
                        sameState &= state.equals(rs.getString(2));
                        count++;
                    }
                }
                List<String> log = requests();
                String first = "GET /repos/" + repo + "/issues?state=" + state + "&per_page=100";
                int pages = Math.max(1, (rows + 99) / 100);

                if (count != rows || numbers.size() != rows || !sameState)
                    wrong.add(repo + " " + state + ": " + count + " rows, expected " + rows);
                if (log.size() != pages || !log.get(0).equals(first))
                    wrong.add(repo + " " + state + ": requests " + log + ", expected " + pages + " starting " + first);
            }
        }
        check("a PreparedStatement run 10 times returns the right rows with the minimal requests",
              wrong.isEmpty(), wrong.toArray(new String[0]));

        try (PreparedStatement ps = conn.prepareStatement(
                 "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = ?")) {
            ps.setString(1, sql.replaceFirst("\\?", "\\$1").replaceFirst("\\?", "\\$2"));
            try (ResultSet rs = ps.executeQuery()) {
                boolean found = rs.next();
                long generic = found ? rs.getLong(1) : 0;
                long custom = found ? rs.getLong(2) : 0;

                check("the driver used a named server-side statement", found, "not in pg_prepared_statements");
                check("the server ran it with a generic plan", generic > 0,
                      "generic plans " + generic + ", custom plans " + custom);
            }
        }
        requests();

        /* setLong binds a bigint: the int4 key column issue_number still gets it */
        try (PreparedStatement ps = conn.prepareStatement(
                 "SELECT * FROM github.issue_comments WHERE repo = ? AND issue_number = ?")) {
            ps.setString(1, "octo/hello");
            ps.setLong(2, 6);
            equal("setLong on an integer key column: the issue's comments", "8", Integer.toString(countRows(ps)));
            equal("setLong on an integer key column: one request",
                  "[GET /repos/octo/hello/issues/6/comments?per_page=100]", requests().toString());
        }
    }

    // ---- sampling --------------------------------------------------------

    private static void sampling(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                 "SELECT * FROM github.issues WHERE repo = ? LIMIT 10000")) {
            ps.setString(1, "octo/hello");
            equal("sampling LIMIT 10000 returns every row", "250", Integer.toString(countRows(ps)));
            List<String> log = requests();
            equal("sampling LIMIT 10000 reads the pages once, 100 items each",
                  "3 GET /repos/octo/hello/issues?state=all&per_page=100",
                  log.size() + " " + (log.isEmpty() ? "" : log.get(0)));
        }

        try (PreparedStatement ps = conn.prepareStatement(
                 "SELECT * FROM github.issues WHERE repo = ? LIMIT 0")) {
            ps.setString(1, "octo/hello");
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();

                check("LIMIT 0 returns no row", !rs.next(), "a row came back");
                equal("LIMIT 0 gives the result's columns", ISSUE_COLUMNS.length + " repo attrs",
                      md.getColumnCount() + " " + md.getColumnName(1) + " " + md.getColumnName(md.getColumnCount()));
            }
            equal("LIMIT 0 makes no request", "[]", requests().toString());
        }

        try (PreparedStatement ps = conn.prepareStatement("SELECT * FROM github.issues WHERE repo = ?")) {
            equal("getMetaData of a statement not yet run gives the columns",
                  Integer.toString(ISSUE_COLUMNS.length), Integer.toString(ps.getMetaData().getColumnCount()));
            equal("getMetaData makes no request", "[]", requests().toString());
            ps.setString(1, "octo/hello");
            ps.setMaxRows(10);
            equal("setMaxRows(10) returns 10 rows", "10", Integer.toString(countRows(ps)));
            equal("setMaxRows(10) reads only the first page",
                  "[GET /repos/octo/hello/issues?state=all&per_page=100]", requests().toString());
        }
    }

    // ---- a cursor ----------------------------------------------------------

    private static void cursor(Connection conn) throws SQLException {
        conn.setAutoCommit(false);
        try (PreparedStatement ps = conn.prepareStatement(
                 "SELECT number FROM github.issues WHERE repo = ?")) {
            TreeSet<Integer> numbers = new TreeSet<>();
            int count = 0;
            String requestsAfterFirstBatch = null;
            String openPortals = null;

            ps.setFetchSize(50);
            ps.setString(1, "octo/hello");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    numbers.add(rs.getInt(1));
                    if (++count == 50) {
                        requestsAfterFirstBatch = Integer.toString(requests().size());
                        openPortals = scalar(conn, "SELECT count(*) FROM pg_cursors WHERE statement LIKE 'SELECT number FROM github.issues%'");
                    }
                }
            }
            equal("a cursor read with fetch size 50 returns every row once", "250 250 1 250",
                  count + " " + numbers.size() + " " + numbers.first() + " " + numbers.last());
            equal("the rows come through an open portal, 50 at a time", "1", openPortals);
            equal("the first 50 rows cost one request", "1", requestsAfterFirstBatch);
            equal("the rest of the read makes one request per further page", "2", Integer.toString(requests().size()));
        } finally {
            conn.commit();
            conn.setAutoCommit(true);
        }
    }

    // ---- helpers -----------------------------------------------------------

    private static int countRows(PreparedStatement ps) throws SQLException {
        int count = 0;

        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next())
                count++;
        }
        return count;
    }

    private static String scalar(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /* The API requests made since the last call (the log is cleared). */
    private static List<String> requests() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(env("FAKE_GITHUB_URL") + "/_log?clear=1")).build();
            String body = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
            List<String> lines = new ArrayList<>();

            for (String line : body.split("\n"))
                if (line.startsWith("GET "))
                    lines.add(line);
            return lines;
        } catch (Exception e) {
            throw new RuntimeException("reading the fake API's request log: " + e, e);
        }
    }

    private static String env(String name) {
        String value = System.getenv(name);

        if (value == null || value.isEmpty())
            throw new IllegalStateException(name + " is not set");
        return value;
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    private static void check(String name, boolean ok, String... details) {
        if (ok) {
            System.out.println("ok - " + name);
            return;
        }
        System.out.println("not ok - " + name);
        for (String detail : details)
            System.out.println("#   " + detail);
        failures++;
    }

    private static void equal(String name, String expected, String actual) {
        check(name, expected.equals(actual), "expected: " + expected, "actual:   " + actual);
    }
}
