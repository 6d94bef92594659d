#!/usr/bin/env bash
# packaging.sh -- the release metadata agree: META.json (PGXN meta-spec
# 1.0.0) has every key the spec requires, its version is the Debian
# package's (debian/changelog) and names the extension's default_version
# (saas_fdw.control), and the files it and debian/ name exist.  Building
# and installing the .deb is test/deb.sh (test/majors.sh bookworm --deb).
set -uo pipefail
. "$SAAS_FDW_TEST_LIB"
cd "$SAAS_FDW_ROOT" || exit 1

out=$(python3 - <<'PY' 2>&1
import json, os, re, sys
meta = json.load(open("META.json"))
problems = []
for key in ("name", "abstract", "maintainer", "license", "provides", "version", "meta-spec"):
    if not meta.get(key):
        problems.append("META.json has no " + key)
if meta.get("meta-spec", {}).get("version") != "1.0.0":
    problems.append("META.json: meta-spec version is not 1.0.0")
if meta.get("license") != "postgresql":
    problems.append("META.json: license is not postgresql")
if not re.fullmatch(r"\d+\.\d+\.\d+", meta.get("version", "")):
    problems.append("META.json: version is not a semantic version")
ext = meta.get("provides", {}).get("saas_fdw", {})
if ext.get("version") != meta.get("version"):
    problems.append("META.json: provides.saas_fdw.version differs from version")
if not os.path.exists(ext.get("file", "-")):
    problems.append("META.json: provides.saas_fdw.file does not exist")
if "PostgreSQL" not in meta.get("prereqs", {}).get("runtime", {}).get("requires", {}):
    problems.append("META.json: prereqs.runtime.requires names no PostgreSQL")
control = open("saas_fdw.control").read()
default = re.search(r"^default_version = '([^']+)'", control, re.M).group(1)
if not meta.get("version", "").startswith(default + "."):
    problems.append("META.json version %s is not of default_version %s" % (meta.get("version"), default))
if ext.get("file") != "saas_fdw--%s.sql" % default:
    problems.append("META.json: provides.saas_fdw.file is not saas_fdw--%s.sql" % default)
changelog = open("debian/changelog").readline()
deb = re.match(r"\S+ \(([^)-]+)", changelog).group(1)
if deb != meta.get("version"):
    problems.append("debian/changelog version %s differs from META.json's %s" % (deb, meta.get("version")))
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
)
t_check "META.json is complete and agrees with saas_fdw.control and debian/changelog" test -z "$out"
[[ -z $out ]] || echo "$out" | sed 's/^/#   /'

# debian/control is debian/control.in made for this release's majors
# (pg_buildext updatecontrol); the package name has the PGVERSION pattern.
t_check "debian/control.in builds postgresql-PGVERSION-saas-fdw" \
	grep -qx 'Package: postgresql-PGVERSION-saas-fdw' debian/control.in
t_check "debian/rules is executable" test -x debian/rules
t_done
