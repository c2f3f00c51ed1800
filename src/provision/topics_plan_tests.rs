//! The planner's tests. The apply tests run against `bus::pulsar_admin::mock` (real Apache
//! Pulsar is not available here: pulsar-lite has no admin API); the mock follows Pulsar's
//! documented admin REST v2 contract, so they check the requests the client sends. The
//! planning itself is tested without any server, on [`Broker`] values.

use std::time::Duration;

use super::*;
use crate::bus::pulsar_admin::mock::{closed_port, Mock};
use crate::provision::topics::parse;

/// The stock file, as shipped.
const STOCK: &str = include_str!("../../services/streaming/topics.yaml");

/// Parses test text, expecting it to be valid.
fn file(text: &str) -> TopicsFile {
    parse("<test>", text).expect("valid topics file")
}

/// Each change's one-line form.
fn lines(changes: &[Change]) -> Vec<String> {
    changes.iter().map(ToString::to_string).collect()
}

/// The `agents` part of an edited stock file.
fn agents_file(retention: &str, events: u32, extra_topic: &str) -> String {
    format!(
        "tenant: arc\nclusters: [standalone]\nnamespaces:\n  - name: agents\n    \
         retention: {retention}\n    topics:\n      - {{ name: agent-events, partitions: \
         {events} }}\n      - {{ name: agent-commands }}\n{extra_topic}"
    )
}

#[tokio::test]
async fn first_apply_creates_everything_with_the_documented_requests() {
    let mock = Mock::start(|_| {}).await;
    let changes = apply(&mock.client(None), &file(STOCK), false)
        .await
        .expect("apply");
    assert_eq!(
        lines(&changes),
        [
            "created tenant arc: allowed clusters standalone",
            "created namespace arc/agents: retention 7days/10GiB",
            "created topic persistent://arc/agents/agent-events (4 partitions): partitioned",
            "created topic persistent://arc/agents/agent-commands: non-partitioned",
            "created namespace arc/system: retention 30days/5GiB",
            "created topic persistent://arc/system/metrics (2 partitions): partitioned",
            "created topic persistent://arc/system/audit: non-partitioned",
        ]
    );
    let seen = mock.with(|s| s.seen.clone());
    assert!(seen
        .iter()
        .filter(|r| r.method != "GET")
        .all(|r| r.content_type.as_deref() == Some("application/json")));
    assert!(seen.iter().all(|r| r.authorization.is_none()));
    assert_eq!(
        mock.take(),
        [
            "GET /admin/v2/clusters",
            "GET /admin/v2/tenants/arc",
            r#"PUT /admin/v2/tenants/arc {"adminRoles":[],"allowedClusters":["standalone"]}"#,
            "PUT /admin/v2/namespaces/arc/agents",
            r#"POST /admin/v2/namespaces/arc/agents/retention {"retentionTimeInMinutes":10080,"retentionSizeInMB":10240}"#,
            "PUT /admin/v2/persistent/arc/agents/agent-events/partitions 4",
            "PUT /admin/v2/persistent/arc/agents/agent-commands {}",
            "PUT /admin/v2/namespaces/arc/system",
            r#"POST /admin/v2/namespaces/arc/system/retention {"retentionTimeInMinutes":43200,"retentionSizeInMB":5120}"#,
            "PUT /admin/v2/persistent/arc/system/metrics/partitions 2",
            "PUT /admin/v2/persistent/arc/system/audit {}",
        ]
    );
    mock.with(|s| {
        assert_eq!(
            s.partitioned.get("persistent://arc/agents/agent-events"),
            Some(&4)
        );
        assert_eq!(s.retention.get("arc/system"), Some(&(43_200, 5_120)));
        assert!(s.plain.contains("persistent://arc/system/audit"));
    });
}

#[tokio::test]
async fn second_apply_is_all_unchanged_and_only_reads() {
    let mock = Mock::start(|_| {}).await;
    let client = mock.client(None);
    apply(&client, &file(STOCK), false)
        .await
        .expect("first apply");
    mock.take();
    let changes = apply(&client, &file(STOCK), false)
        .await
        .expect("second apply");
    assert!(
        changes.iter().all(|c| c.kind == ChangeKind::Unchanged),
        "{changes:#?}"
    );
    assert_eq!(changes.len(), 7);
    assert_eq!(
        lines(&changes)[..3],
        [
            "unchanged tenant arc: allowed clusters standalone",
            "unchanged namespace arc/agents: retention 7days/10GiB",
            "unchanged topic persistent://arc/agents/agent-events (4 partitions): partitioned",
        ]
    );
    assert_eq!(
        mock.take(),
        [
            "GET /admin/v2/clusters",
            "GET /admin/v2/tenants/arc",
            "GET /admin/v2/namespaces/arc",
            "GET /admin/v2/namespaces/arc/agents/retention",
            "GET /admin/v2/persistent/arc/agents/partitioned",
            "GET /admin/v2/persistent/arc/agents",
            "GET /admin/v2/persistent/arc/agents/agent-events/partitions",
            "GET /admin/v2/namespaces/arc/system/retention",
            "GET /admin/v2/persistent/arc/system/partitioned",
            "GET /admin/v2/persistent/arc/system",
            "GET /admin/v2/persistent/arc/system/metrics/partitions",
        ]
    );
}

#[tokio::test]
async fn an_edit_shows_exactly_its_updates_and_creates() {
    let mock = Mock::start(|_| {}).await;
    let client = mock.client(None);
    let before = agents_file("{ time: 90m, size: 100MiB }", 2, "");
    apply(&client, &file(&before), false)
        .await
        .expect("first apply");
    mock.take();
    let after = agents_file(
        "{ time: 7d, size: 10GiB }",
        4,
        "      - { name: agent-heartbeats }\n",
    );
    let changes = apply(&client, &file(&after), false).await.expect("edit");
    assert_eq!(
        lines(&changes),
        [
            "unchanged tenant arc: allowed clusters standalone",
            "updated namespace arc/agents: retention 1h 30m/100MiB -> 7days/10GiB",
            "updated topic persistent://arc/agents/agent-events (4 partitions): partitions 2 -> 4",
            "unchanged topic persistent://arc/agents/agent-commands: non-partitioned",
            "created topic persistent://arc/agents/agent-heartbeats: non-partitioned",
        ]
    );
    let writes: Vec<String> = mock
        .take()
        .into_iter()
        .filter(|r| !r.starts_with("GET "))
        .collect();
    assert_eq!(
        writes,
        [
            r#"POST /admin/v2/namespaces/arc/agents/retention {"retentionTimeInMinutes":10080,"retentionSizeInMB":10240}"#,
            "POST /admin/v2/persistent/arc/agents/agent-events/partitions 4",
            "PUT /admin/v2/persistent/arc/agents/agent-heartbeats {}",
        ]
    );
    mock.with(|s| {
        assert_eq!(
            s.partitioned.get("persistent://arc/agents/agent-events"),
            Some(&4)
        );
        assert_eq!(s.retention.get("arc/agents"), Some(&(10_080, 10_240)));
    });
}

#[tokio::test]
async fn fewer_partitions_is_a_clear_error_and_nothing_is_written() {
    let mock = Mock::start(|_| {}).await;
    let client = mock.client(None);
    let retention = "{ time: 7d, size: 10GiB }";
    apply(&client, &file(&agents_file(retention, 4, "")), false)
        .await
        .expect("first apply");
    mock.take();
    let shrunk = agents_file(retention, 2, "      - { name: agent-heartbeats }\n");
    let error = apply(&client, &file(&shrunk), false)
        .await
        .expect_err("shrinking must fail");
    assert!(
        matches!(
            &error,
            TopicsError::Conflict(c) if c == &[Conflict::PartitionsCannotShrink {
                topic: "persistent://arc/agents/agent-events".to_owned(),
                current: 4,
                wanted: 2,
            }]
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "nothing applied: topic `persistent://arc/agents/agent-events` has 4 partitions and \
         the file asks for 2: partitions can only grow (delete and recreate the topic to \
         shrink it)"
    );
    assert!(mock.take().iter().all(|r| r.starts_with("GET ")));
    mock.with(|s| {
        assert_eq!(
            s.partitioned.get("persistent://arc/agents/agent-events"),
            Some(&4)
        );
        assert!(!s.plain.contains("persistent://arc/agents/agent-heartbeats"));
    });
    // The dry run tells the same.
    let dry = apply(&client, &file(&shrunk), true).await;
    assert!(matches!(dry, Err(TopicsError::Conflict(_))));
}

#[tokio::test]
async fn dry_run_reports_the_same_changes_and_writes_nothing() {
    let mock = Mock::start(|_| {}).await;
    let client = mock.client(None);
    let dry = apply(&client, &file(STOCK), true).await.expect("dry run");
    assert_eq!(
        mock.take(),
        ["GET /admin/v2/clusters", "GET /admin/v2/tenants/arc"]
    );
    mock.with(|s| {
        assert!(s.tenants.is_empty() && s.namespaces.is_empty());
        assert!(s.partitioned.is_empty() && s.plain.is_empty());
    });
    let real = apply(&client, &file(STOCK), false).await.expect("apply");
    assert_eq!(dry, real);

    let edited = STOCK.replace("partitions: 4", "partitions: 8");
    mock.take();
    let dry = apply(&client, &file(&edited), true).await.expect("dry run");
    let updated: Vec<String> = dry
        .iter()
        .filter(|c| c.kind != ChangeKind::Unchanged)
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        updated,
        ["updated topic persistent://arc/agents/agent-events (8 partitions): partitions 4 -> 8"]
    );
    assert!(mock.take().iter().all(|r| r.starts_with("GET ")));
    mock.with(|s| {
        assert_eq!(
            s.partitioned.get("persistent://arc/agents/agent-events"),
            Some(&4)
        );
    });
}

#[tokio::test]
async fn probe_tells_an_admin_api_from_none() {
    let mock = Mock::start(|_| {}).await;
    mock.client(None).probe().await.expect("admin API");
    assert_eq!(mock.take(), ["GET /admin/v2/clusters"]);

    let port = closed_port().await;
    let url = format!("http://127.0.0.1:{port}");
    let client = AdminClient::new(&url, None, Duration::from_secs(2)).expect("client");
    match client.probe().await {
        Err(AdminError::Unavailable { url: shown, reason }) => {
            assert_eq!(shown, url);
            assert_eq!(reason, "connection refused");
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    // apply says the same, before anything else.
    let applied = apply(&client, &file(STOCK), false).await;
    assert!(matches!(
        applied,
        Err(TopicsError::Admin(AdminError::Unavailable { .. }))
    ));

    let lite = Mock::start(|s| s.metrics_only = true).await;
    let error = lite.client(None).probe().await.expect_err("metrics only");
    assert!(matches!(error, AdminError::Unavailable { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "no admin API at `{}`: `GET /admin/v2/clusters` answered 404 (a listener without \
             the admin API, such as pulsar-lite's metrics)",
            lite.url
        )
    );
}

#[tokio::test]
async fn the_token_is_sent_as_bearer_and_never_shown() {
    let secret = "s3cr3t-t0ken";
    let mock = Mock::start(|s| s.token = Some(secret.to_owned())).await;
    let client = mock.client(Some(secret));
    apply(&client, &file(STOCK), false).await.expect("apply");
    let seen = mock.with(|s| s.seen.clone());
    assert!(!seen.is_empty());
    assert!(seen
        .iter()
        .all(|r| r.authorization.as_deref() == Some("Bearer s3cr3t-t0ken")));
    let debug = format!("{client:?}");
    assert!(!debug.contains(secret), "{debug}");
    assert!(debug.contains(r#"token: Some("***")"#), "{debug}");

    // A wrong token: the broker's 401, whose reason echoes the header, is shown masked.
    let wrong = "wr0ng-t0ken";
    let error = mock.client(Some(wrong)).probe().await.expect_err("401");
    assert!(
        matches!(&error, AdminError::Http { status: 401, .. }),
        "{error:?}"
    );
    let (shown, debug) = (error.to_string(), format!("{error:?}"));
    assert_eq!(
        shown,
        "`GET /admin/v2/clusters` answered 401: authentication failed for `Bearer ***`"
    );
    assert!(!debug.contains(wrong), "{debug}");

    // User-info in the URL is shown as `***` by Debug and by errors.
    let port = closed_port().await;
    let url = format!("http://admin:pa55-s3cr3t@127.0.0.1:{port}/");
    let client =
        AdminClient::new(&url, Some(secret.to_owned()), Duration::from_secs(2)).expect("client");
    let error = client.probe().await.expect_err("closed port");
    for text in [
        format!("{client:?}"),
        error.to_string(),
        format!("{error:?}"),
    ] {
        assert!(
            !text.contains("pa55-s3cr3t") && !text.contains(secret),
            "{text}"
        );
        assert!(
            text.contains(&format!("http://***@127.0.0.1:{port}")),
            "{text}"
        );
    }
    let bad = AdminClient::new(
        "http://admin:pa55-s3cr3t@[::1",
        None,
        Duration::from_secs(1),
    );
    let text = bad.expect_err("bad url").to_string();
    assert!(!text.contains("pa55-s3cr3t"), "{text}");
    let tls = AdminClient::new("https://127.0.0.1:8443", None, Duration::from_secs(1));
    assert!(tls
        .expect_err("https")
        .to_string()
        .contains("expected an `http://` URL"));
}

#[tokio::test]
async fn existing_objects_are_updated_in_place() {
    let mock = Mock::start(|s| {
        s.clusters.push("backup".to_owned());
        s.tenants.insert(
            "arc".to_owned(),
            (vec!["ops".to_owned()], vec!["standalone".to_owned()]),
        );
        s.namespaces.insert("arc/agents".to_owned());
        s.unlisted
            .insert("non-persistent://arc/agents/presence".to_owned());
    })
    .await;
    let text = agents_file(
        "{ time: -1, size: 1TiB }",
        4,
        "      - { name: presence, persistent: false }\n",
    )
    .replace("[standalone]", "[standalone, backup]");
    let changes = apply(&mock.client(None), &file(&text), false)
        .await
        .expect("apply");
    assert_eq!(
        lines(&changes),
        [
            "updated tenant arc: allowed clusters standalone -> standalone, backup",
            "updated namespace arc/agents: retention unset -> infinite/1TiB",
            "created topic persistent://arc/agents/agent-events (4 partitions): partitioned",
            "created topic persistent://arc/agents/agent-commands: non-partitioned",
            "unchanged topic non-persistent://arc/agents/presence: already existed; \
             non-partitioned",
        ]
    );
    let writes: Vec<String> = mock
        .take()
        .into_iter()
        .filter(|r| !r.starts_with("GET "))
        .collect();
    assert_eq!(
        writes[..2],
        [
            r#"POST /admin/v2/tenants/arc {"adminRoles":["ops"],"allowedClusters":["standalone","backup"]}"#,
            r#"POST /admin/v2/namespaces/arc/agents/retention {"retentionTimeInMinutes":-1,"retentionSizeInMB":1048576}"#,
        ]
    );
    assert_eq!(
        writes.last().map(String::as_str),
        Some("PUT /admin/v2/non-persistent/arc/agents/presence {}")
    );
}

#[tokio::test]
async fn broker_errors_name_the_request_status_and_reason() {
    let mock = Mock::start(|s| {
        s.fail = Some((
            "PUT /admin/v2/namespaces/arc/agents".to_owned(),
            403,
            r#"{"reason":"Don't have admin permission"}"#.to_owned(),
        ));
    })
    .await;
    let client = mock.client(None);
    let error = apply(&client, &file(STOCK), false).await.expect_err("403");
    assert!(
        matches!(
            &error,
            TopicsError::Admin(AdminError::Http { status: 403, .. })
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "`PUT /admin/v2/namespaces/arc/agents` answered 403: Don't have admin permission"
    );

    mock.with(|s| {
        s.fail = Some((
            "GET /admin/v2/tenants/arc".to_owned(),
            200,
            "<html>proxy login</html>".to_owned(),
        ));
    });
    let error = apply(&client, &file(STOCK), true)
        .await
        .expect_err("garbage");
    assert!(
        matches!(&error, TopicsError::Admin(AdminError::Decode { .. })),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("`GET /admin/v2/tenants/arc` answered something unexpected: "),
        "{error}"
    );
}

#[test]
fn changes_serialize_for_json_output() {
    let change = Change {
        kind: ChangeKind::Updated,
        object: "topic persistent://arc/agents/agent-events (4 partitions)".to_owned(),
        detail: "partitions 2 -> 4".to_owned(),
    };
    assert_eq!(
        serde_json::to_string(&change).expect("json"),
        r#"{"kind":"updated","object":"topic persistent://arc/agents/agent-events (4 partitions)","detail":"partitions 2 -> 4"}"#
    );
}

/// A broker that knows `standalone` and has the `arc` tenant with its `agents` namespace,
/// whose persistent topics are `plain` (non-partitioned) and `partitioned` (name, count).
fn broker_with(
    retention: Option<(i64, i64)>,
    plain: &[&str],
    partitioned: &[(&str, u32)],
) -> Broker {
    let full = |t: &str| format!("persistent://arc/agents/{t}");
    let mut listing = Listing::default();
    let mut state = NamespaceState {
        retention: retention.map(|(m, mb)| RetentionPolicies {
            minutes: Some(m),
            megabytes: Some(mb),
        }),
        ..NamespaceState::default()
    };
    for t in plain {
        listing.all.insert(full(t));
    }
    for (t, n) in partitioned {
        listing.partitioned.insert(full(t));
        for i in 0..*n {
            listing.all.insert(format!("{}-partition-{i}", full(t)));
        }
        state.partitions.insert(full(t), *n);
    }
    state.listings.insert("persistent", listing);
    Broker {
        clusters: vec!["standalone".to_owned()],
        tenant: Some(TenantInfo {
            admin_roles: vec!["ops".to_owned()],
            allowed_clusters: vec!["standalone".to_owned()],
        }),
        namespaces: [("agents".to_owned(), state)].into_iter().collect(),
    }
}

/// The planned changes' one-line forms.
fn planned_lines(planned: &[Planned]) -> Vec<String> {
    planned.iter().map(|p| p.change.to_string()).collect()
}

#[test]
fn an_empty_broker_plans_every_create_with_its_writes() {
    let empty = Broker {
        clusters: vec!["standalone".to_owned()],
        ..Broker::default()
    };
    let planned = plan(
        &file(&agents_file("{ time: 7d, size: 10GiB }", 4, "")),
        &empty,
    )
    .expect("no conflicts");
    assert_eq!(
        planned_lines(&planned),
        [
            "created tenant arc: allowed clusters standalone",
            "created namespace arc/agents: retention 7days/10GiB",
            "created topic persistent://arc/agents/agent-events (4 partitions): partitioned",
            "created topic persistent://arc/agents/agent-commands: non-partitioned",
        ]
    );
    let writes: Vec<Write> = planned.into_iter().flat_map(|p| p.writes).collect();
    assert_eq!(
        writes,
        [
            Write::create_tenant("arc", &["standalone".to_owned()]),
            Write::create_namespace("arc", "agents"),
            Write::set_retention("arc", "agents", 7 * 24 * 60, 10 * 1024),
            Write::create_partitioned("persistent", "arc", "agents", "agent-events", 4),
            Write::create_topic("persistent", "arc", "agents", "agent-commands"),
        ]
    );
}

#[test]
fn a_matching_broker_plans_nothing_to_write() {
    let broker = broker_with(
        Some((7 * 24 * 60, 10 * 1024)),
        &["agent-commands"],
        &[("agent-events", 4)],
    );
    let planned = plan(
        &file(&agents_file("{ time: 7d, size: 10GiB }", 4, "")),
        &broker,
    )
    .expect("no conflicts");
    assert!(planned.iter().all(|p| p.writes.is_empty()), "{planned:?}");
    assert!(planned
        .iter()
        .all(|p| p.change.kind == ChangeKind::Unchanged));
}

#[test]
fn differences_plan_updates_that_keep_what_the_broker_has() {
    let broker = broker_with(Some((90, 100)), &["agent-commands"], &[("agent-events", 2)]);
    let text = agents_file("{ time: 7d, size: 10GB }", 4, "")
        .replace("[standalone]", "[standalone, backup]");
    let mut with_backup = broker.clone();
    with_backup.clusters.push("backup".to_owned());
    let planned = plan(&file(&text), &with_backup).expect("no conflicts");
    assert_eq!(
        planned_lines(&planned),
        [
            "updated tenant arc: allowed clusters standalone -> standalone, backup",
            "updated namespace arc/agents: retention 1h 30m/100MiB -> 7days/9537MiB",
            "updated topic persistent://arc/agents/agent-events (4 partitions): partitions 2 -> 4",
            "unchanged topic persistent://arc/agents/agent-commands: non-partitioned",
        ]
    );
    let writes: Vec<Write> = planned.into_iter().flat_map(|p| p.writes).collect();
    let clusters = ["standalone".to_owned(), "backup".to_owned()];
    assert_eq!(
        writes,
        [
            Write::update_tenant("arc", &["ops".to_owned()], &clusters),
            Write::set_retention("arc", "agents", 7 * 24 * 60, 9537),
            Write::add_partitions("persistent", "arc", "agents", "agent-events", 4),
        ]
    );
}

#[test]
fn every_conflict_is_named_and_nothing_is_planned() {
    let broker = broker_with(
        None,
        &["agent-events"],
        &[("agent-commands", 3), ("big", 8)],
    );
    let text = agents_file(
        "{ time: 7d, size: 10GiB }",
        4,
        "      - { name: big, partitions: 2 }\n",
    )
    .replace("[standalone]", "[standalone, eu-west]");
    let conflicts = plan(&file(&text), &broker).expect_err("conflicts");
    assert_eq!(
        conflicts,
        [
            Conflict::UnknownCluster {
                cluster: "eu-west".to_owned(),
                known: vec!["standalone".to_owned()],
            },
            Conflict::WrongTopicKind {
                topic: "persistent://arc/agents/agent-events".to_owned(),
                existing: "non-partitioned",
                wanted: "partitioned",
            },
            Conflict::WrongTopicKind {
                topic: "persistent://arc/agents/agent-commands".to_owned(),
                existing: "partitioned",
                wanted: "non-partitioned",
            },
            Conflict::PartitionsCannotShrink {
                topic: "persistent://arc/agents/big".to_owned(),
                current: 8,
                wanted: 2,
            },
        ]
    );
}
