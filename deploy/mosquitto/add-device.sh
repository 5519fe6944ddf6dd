#!/usr/bin/env bash
# Adds or updates a broker account: add-device.sh DEVICE_ID [PASSWORD_FILE]
# The password is read from stdin (one line) or generated and printed. The device id is the user name.
set -euo pipefail
id="${1:?usage: add-device.sh DEVICE_ID [PASSWORD_FILE]}"
file="${2:-/etc/stability-mosquitto/passwd}"
if ! [[ "$id" =~ ^[A-Za-z0-9_-]{1,64}$ ]]; then
    echo "add-device.sh: device id must be 1..64 characters of [A-Za-z0-9_-]" >&2
    exit 2
fi
if [ -t 0 ]; then
    password=$(openssl rand -base64 24)
    echo "password for $id: $password"
else
    IFS= read -r password
fi
[ -f "$file" ] || { touch "$file"; chmod 600 "$file"; }
mosquitto_passwd -b "$file" "$id" "$password"
echo "add-device.sh: $id added to $file; reload mosquitto (SIGHUP) to apply"
