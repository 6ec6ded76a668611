//! AWS CLI inventories as `cloud.resources` evidence, tool `aws-cli`: where EC2
//! instances, EBS volumes, RDS databases and S3 buckets keep their data.
//!
//! One input file is one CLI output, recognised by its top-level key:
//! - `aws ec2 describe-instances` (`Reservations[].Instances[]`): id, the availability
//!   zone of `Placement`, the account from the reservation's `OwnerId`, the public IP;
//! - `aws ec2 describe-volumes` (`Volumes[]`): id, availability zone, `Encrypted`;
//! - `aws rds describe-db-instances` (`DBInstances[]`): the ARN (region and account),
//!   `AvailabilityZone`, `StorageEncrypted`, `PubliclyAccessible` only as a fact;
//! - `aws s3api list-buckets` (`Buckets[]`): `BucketRegion` (returned since 2024; a bucket
//!   without it has an unknown country rather than a guessed one); the output names no
//!   account.
//!
//! Every one of these stores data. Country and jurisdictions come from
//! [`super::regions`]. Resources group into one document per account (`aws:<account>`);
//! resources whose output names no account join the only account seen, else `unknown`.
//! Missing or mistyped fields are errors naming the path (`Reservations[0].Instances[2].Placement`).

use serde_json::{json, Value};

use super::regions::Regions;
use super::terraform::{group_by_account, Found};
use crate::collect::net::import::{ImportError, Parsed};
use crate::evidence::json_type_name;

/// Parses one AWS CLI output.
pub fn parse(text: &str) -> Result<Vec<Parsed>, ImportError> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::new(format!("line {}", e.line()), format!("not valid JSON: {e}"))
    })?;
    let regions = Regions::builtin();
    let mut found = Vec::new();
    let place = |r: &mut Value, location: Option<&str>| {
        let p = location.and_then(|l| regions.locate("aws", l));
        r["region"] = json!(p
            .as_ref()
            .map(|p| p.region.clone())
            .or(location.map(str::to_string)));
        r["country"] = json!(p.as_ref().and_then(|p| p.country.clone()));
        r["jurisdictions"] = json!(p
            .as_ref()
            .map(|p| p.jurisdictions.clone())
            .unwrap_or_default());
        if let Some(place) = p.and_then(|p| p.place) {
            r["place"] = json!(place);
        }
    };
    if let Some(reservations) = root.get("Reservations") {
        for (i, res) in array(reservations, "Reservations")?.iter().enumerate() {
            let at = format!("Reservations[{i}]");
            let owner = opt_str(res, "OwnerId", &at)?;
            let instances = array(field(res, "Instances", &at)?, &format!("{at}.Instances"))?;
            for (j, inst) in instances.iter().enumerate() {
                let at = format!("{at}.Instances[{j}]");
                let id = req_str(inst, "InstanceId", &at)?;
                let placement = field(inst, "Placement", &at)?;
                let zone = req_str(placement, "AvailabilityZone", &format!("{at}.Placement"))?;
                let mut r = json!({"id": id, "type": "aws_instance", "stores_data": true,
                                   "public_ip": opt_str(inst, "PublicIpAddress", &at)?});
                place(&mut r, Some(zone));
                found.push(Found::new("aws", owner.map(str::to_string), r));
            }
        }
    } else if let Some(volumes) = root.get("Volumes") {
        for (i, v) in array(volumes, "Volumes")?.iter().enumerate() {
            let at = format!("Volumes[{i}]");
            let mut r = json!({"id": req_str(v, "VolumeId", &at)?, "type": "aws_ebs_volume",
                               "stores_data": true, "encrypted_at_rest": opt_bool(v, "Encrypted", &at)?});
            place(&mut r, Some(req_str(v, "AvailabilityZone", &at)?));
            found.push(Found::new("aws", None, r));
        }
    } else if let Some(dbs) = root.get("DBInstances") {
        for (i, d) in array(dbs, "DBInstances")?.iter().enumerate() {
            let at = format!("DBInstances[{i}]");
            let arn = req_str(d, "DBInstanceArn", &at)?;
            let account = arn.split(':').nth(4).filter(|a| !a.is_empty());
            // The zone says where the primary runs; the ARN's region is where the
            // instance and its storage live (a Multi-AZ standby stays in the region).
            let region = arn.split(':').nth(3).filter(|r| !r.is_empty()).or(opt_str(
                d,
                "AvailabilityZone",
                &at,
            )?);
            let mut r = json!({"id": arn, "type": "aws_db_instance", "stores_data": true,
                               "encrypted_at_rest": opt_bool(d, "StorageEncrypted", &at)?});
            place(&mut r, region);
            found.push(Found::new("aws", account.map(str::to_string), r));
        }
    } else if let Some(buckets) = root.get("Buckets") {
        // `Owner.ID` is the canonical user id, not the account id: buckets join the
        // account only by the grouping rule.
        for (i, b) in array(buckets, "Buckets")?.iter().enumerate() {
            let at = format!("Buckets[{i}]");
            let name = req_str(b, "Name", &at)?;
            let mut r = json!({"id": format!("arn:aws:s3:::{name}"), "type": "aws_s3_bucket",
                               "stores_data": true});
            place(&mut r, opt_str(b, "BucketRegion", &at)?);
            found.push(Found::new("aws", None, r));
        }
    } else {
        return Err(ImportError::new(
            "(top level)",
            "expected the output of aws ec2 describe-instances (Reservations), ec2 describe-volumes (Volumes), rds describe-db-instances (DBInstances) or s3api list-buckets (Buckets)",
        ));
    }
    Ok(group_by_account(found, "aws-cli", None))
}

fn field<'a>(v: &'a Value, key: &str, at: &str) -> Result<&'a Value, ImportError> {
    v.get(key)
        .ok_or_else(|| ImportError::new(format!("{at}.{key}"), "missing"))
}

fn array<'a>(v: &'a Value, at: &str) -> Result<&'a Vec<Value>, ImportError> {
    v.as_array().ok_or_else(|| {
        ImportError::new(
            at,
            format!("expected an array, found {}", json_type_name(v)),
        )
    })
}

fn req_str<'a>(v: &'a Value, key: &str, at: &str) -> Result<&'a str, ImportError> {
    opt_str(v, key, at)?.ok_or_else(|| ImportError::new(format!("{at}.{key}"), "missing"))
}

fn opt_str<'a>(v: &'a Value, key: &str, at: &str) -> Result<Option<&'a str>, ImportError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(ImportError::new(
            format!("{at}.{key}"),
            format!("expected a string, found {}", json_type_name(other)),
        )),
    }
}

fn opt_bool(v: &Value, key: &str, at: &str) -> Result<Option<bool>, ImportError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(ImportError::new(
            format!("{at}.{key}"),
            format!("expected true or false, found {}", json_type_name(other)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_volumes_databases_and_buckets_are_placed() {
        let ec2 = r#"{"Reservations": [{"OwnerId": "123456789012", "ReservationId": "r-1", "Instances": [
            {"InstanceId": "i-0abc", "Placement": {"AvailabilityZone": "eu-central-1b", "Tenancy": "default"},
             "PublicIpAddress": "203.0.113.10", "State": {"Name": "running"}}]}]}"#;
        let d = parse(ec2).unwrap();
        assert_eq!(d[0].subject, "aws:123456789012");
        let r = &d[0].body["resources"][0];
        assert_eq!(
            (r["country"].clone(), r["region"].clone()),
            (json!("DE"), json!("eu-central-1"))
        );
        assert_eq!(r["public_ip"], "203.0.113.10");

        let rds = r#"{"DBInstances": [{"DBInstanceIdentifier": "pg", "DBInstanceArn": "arn:aws:rds:eu-west-1:210987654321:db:pg",
            "AvailabilityZone": "eu-west-1a", "MultiAZ": true, "StorageEncrypted": false}]}"#;
        let d = parse(rds).unwrap();
        assert_eq!(d[0].subject, "aws:210987654321");
        assert_eq!(d[0].body["resources"][0]["country"], "IE");
        assert_eq!(d[0].body["resources"][0]["encrypted_at_rest"], false);

        let s3 = r#"{"Buckets": [{"Name": "a", "CreationDate": "2024-01-01T00:00:00+00:00", "BucketRegion": "eu-central-1"},
            {"Name": "b", "CreationDate": "2024-01-01T00:00:00+00:00"}], "Owner": {"ID": "abc"}}"#;
        let d = parse(s3).unwrap();
        assert_eq!(d[0].subject, "aws:unknown");
        assert_eq!(d[0].body["resources"][0]["country"], "DE");
        assert_eq!(
            d[0].body["resources"][1]["country"],
            Value::Null,
            "no BucketRegion: unknown, not us-east-1"
        );

        let vols = r#"{"Volumes": [{"VolumeId": "vol-1", "AvailabilityZone": "us-east-1a", "Encrypted": true, "Size": 8}]}"#;
        assert_eq!(
            parse(vols).unwrap()[0].body["resources"][0]["country"],
            "US"
        );
    }

    #[test]
    fn bad_outputs_name_the_path() {
        for (text, at) in [
            (
                r#"{"Reservations": [{"Instances": [{"InstanceId": "i-1"}]}]}"#,
                "Reservations[0].Instances[0].Placement",
            ),
            (r#"{"Volumes": [{"VolumeId": 5}]}"#, "Volumes[0].VolumeId"),
            (r#"{"DBInstances": {}}"#, "DBInstances"),
            (
                r#"{"Buckets": [{"Name": "a", "BucketRegion": 1}]}"#,
                "Buckets[0].BucketRegion",
            ),
            (r#"{"Things": []}"#, "(top level)"),
        ] {
            assert_eq!(parse(text).unwrap_err().at, at, "{text}");
        }
    }
}
