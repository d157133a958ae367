"""The deployment files (docker-compose.yml, Dockerfile, deploy/k8s/) and the scenarios that go
with them. No Docker engine or cluster runs here, so these files are checked, not run: parsed as
YAML, their structure compared with what s3storm and the scenarios expect, and the scenarios
passed through `s3storm validate`."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import yaml

SOURCE = Path(os.environ.get("S3STORM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BIN = os.environ.get("S3STORM_BIN", str(SOURCE / "build" / "deploy" / "s3storm"))

COMPOSE = SOURCE / "docker-compose.yml"
DOCKERFILE = SOURCE / "Dockerfile"
K8S = SOURCE / "deploy" / "k8s"
LOCALSTACK_SCENARIO = SOURCE / "scenarios" / "localstack.yaml"
MINIO_SCENARIO = SOURCE / "scenarios" / "minio.yaml"

LOCALSTACK_QUEUE = "s3storm-events"
LOCALSTACK_QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:s3storm-events"
MINIO_WEBHOOK_ARN = "arn:minio:sqs::s3storm:webhook"

# Variables a developer's shell may carry that would change what the scenarios expand to.
SCENARIO_VARIABLES = (
    "S3_ENDPOINT", "S3_BUCKET", "S3_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
    "SQS_QUEUE_ARN", "SQS_QUEUE_URL", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "S3STORM_TOKEN",
    "S3STORM_LISTEN", "STORM_DURATION", "CONCURRENCY",
)


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_k8s(name):
    with open(K8S / name, encoding="utf-8") as f:
        return list(yaml.safe_load_all(f))


def compose_default(value):
    """'${VAR:-default}' -> ('VAR', 'default'); anything else -> (None, value)."""
    m = re.fullmatch(r"\$\{(\w+):-([^}]*)\}", str(value))
    return (m.group(1), m.group(2)) if m else (None, value)


def validate(scenario, **env):
    clean = {k: v for k, v in os.environ.items() if k not in SCENARIO_VARIABLES}
    clean.update(env)
    return subprocess.run([BIN, "validate", str(scenario)], env=clean, capture_output=True,
                          text=True, timeout=60)


class ComposeFile(unittest.TestCase):
    def setUp(self):
        self.compose = load_yaml(COMPOSE)
        self.services = self.compose["services"]

    def test_has_localstack_and_minio(self):
        self.assertEqual(set(self.services), {"localstack", "minio"})
        for name, service in self.services.items():
            self.assertIn("image", service, name)

    def test_ports_are_published_on_loopback_only(self):
        for name, service in self.services.items():
            self.assertTrue(service.get("ports"), f"{name} publishes no port")
            for port in service["ports"]:
                self.assertRegex(str(port), r"^127\.0\.0\.1:\d+:\d+$", f"{name}: {port}")

    def test_localstack_runs_s3_and_sqs_and_creates_the_queue_at_start(self):
        localstack = self.services["localstack"]
        self.assertIn("127.0.0.1:4566:4566", localstack["ports"])
        services = {s.strip() for s in localstack["environment"]["SERVICES"].split(",")}
        self.assertLessEqual({"s3", "sqs"}, services)
        hooks = [v.split(":") for v in localstack["volumes"]
                 if ":/etc/localstack/init/ready.d/" in v]
        self.assertEqual(len(hooks), 1, localstack["volumes"])
        host_path = (SOURCE / hooks[0][0]).resolve()
        self.assertEqual(host_path.parent, (SOURCE / "deploy" / "localstack").resolve())
        self.assertTrue(host_path.is_file(), host_path)
        self.assertTrue(os.access(host_path, os.X_OK), f"{host_path} is not executable")
        script = host_path.read_text(encoding="utf-8")
        self.assertTrue(script.startswith("#!/"), "the hook needs a shebang")
        self.assertRegex(script, rf"sqs create-queue .*--queue-name {LOCALSTACK_QUEUE}\b")

    def test_minio_posts_events_to_the_host_webhook_with_the_shared_token(self):
        minio = self.services["minio"]
        self.assertIn("127.0.0.1:9000:9000", minio["ports"])
        env = minio["environment"]
        ids = {k[len("MINIO_NOTIFY_WEBHOOK_ENABLE_"):] for k in env
               if k.startswith("MINIO_NOTIFY_WEBHOOK_ENABLE_")}
        self.assertEqual(len(ids), 1, env)
        target = ids.pop()
        # The scenario's ARN names the target id exactly as the variable spells it.
        self.assertEqual(MINIO_WEBHOOK_ARN, f"arn:minio:sqs::{target}:webhook")
        self.assertEqual(env[f"MINIO_NOTIFY_WEBHOOK_ENABLE_{target}"], "on")
        endpoint = env[f"MINIO_NOTIFY_WEBHOOK_ENDPOINT_{target}"]
        self.assertEqual(endpoint, "http://host.docker.internal:9900/")
        self.assertIn("host.docker.internal:host-gateway", minio["extra_hosts"])
        self.assertRegex(env[f"MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_{target}"],
                         r"^\$\{S3STORM_TOKEN(:\?[^}]*)?\}$")

    def test_minio_credentials_match_the_scenario_defaults(self):
        env = self.services["minio"]["environment"]
        credentials = load_yaml(MINIO_SCENARIO)["target"]["credentials"]
        self.assertEqual(compose_default(env["MINIO_ROOT_USER"]),
                         compose_default(credentials["access_key"]))
        self.assertEqual(compose_default(env["MINIO_ROOT_PASSWORD"]),
                         compose_default(credentials["secret_key"]))
        # MinIO refuses a root password shorter than 8 characters.
        self.assertGreaterEqual(len(compose_default(env["MINIO_ROOT_PASSWORD"])[1]), 8)

    def test_docker_compose_config_when_the_plugin_exists(self):
        docker = shutil.which("docker")
        if not docker or subprocess.run([docker, "compose", "version"], capture_output=True,
                                        timeout=30).returncode != 0:
            self.skipTest("no `docker compose` here; the file is checked by the tests above")
        result = subprocess.run([docker, "compose", "-f", str(COMPOSE), "config", "--quiet"],
                                env={**os.environ, "S3STORM_TOKEN": "t"}, capture_output=True,
                                text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)


class Scenarios(unittest.TestCase):
    def test_localstack_scenario_validates_with_its_defaults(self):
        result = validate(LOCALSTACK_SCENARIO)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("http://127.0.0.1:4566", result.stdout)
        self.assertIn(f"SQS http://127.0.0.1:4566/000000000000/{LOCALSTACK_QUEUE}", result.stdout)

    def test_localstack_scenario_notifies_the_queue_compose_creates(self):
        scenario = load_yaml(LOCALSTACK_SCENARIO)
        self.assertEqual(scenario["events"]["source"], "sqs")
        _, queue_url = compose_default(scenario["events"]["sqs"]["queue_url"])
        self.assertTrue(queue_url.endswith(f"/000000000000/{LOCALSTACK_QUEUE}"), queue_url)
        [rule] = scenario["setup"]["notifications"]
        self.assertEqual(compose_default(rule["queue"])[1], LOCALSTACK_QUEUE_ARN)
        buckets = scenario["setup"]["buckets"]
        self.assertIn(rule["bucket"], buckets)

    def test_minio_scenario_validates_with_a_token(self):
        result = validate(MINIO_SCENARIO, S3STORM_TOKEN="not-a-real-token")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("http://127.0.0.1:9000", result.stdout)
        self.assertIn("webhook on 0.0.0.0:9900", result.stdout)
        self.assertNotIn("not-a-real-token", result.stdout + result.stderr)

    def test_minio_scenario_refuses_to_run_without_a_token(self):
        # The webhook listens beyond loopback, so an unset token must stop the run up front.
        result = validate(MINIO_SCENARIO)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertIn("S3STORM_TOKEN", result.stderr)

    def test_minio_scenario_uses_the_compose_webhook(self):
        scenario = load_yaml(MINIO_SCENARIO)
        [rule] = scenario["setup"]["notifications"]
        self.assertEqual(rule["queue"], MINIO_WEBHOOK_ARN)
        self.assertEqual(scenario["events"]["source"], "webhook")
        self.assertEqual(compose_default(scenario["events"]["listen"])[1], "0.0.0.0:9900")
        self.assertEqual(scenario["events"]["auth_token"], "${S3STORM_TOKEN}")


class KubernetesFiles(unittest.TestCase):
    def setUp(self):
        self.documents = {}
        for path in sorted(K8S.glob("*.yaml")):
            for doc in load_k8s(path.name):
                self.assertIn("apiVersion", doc, path)
                self.documents[(doc["kind"], doc["metadata"]["name"])] = doc
        self.job = self.documents[("Job", "s3storm")]
        self.pod = self.job["spec"]["template"]["spec"]
        [self.container] = self.pod["containers"]

    def volume_of(self, pod, mount_path):
        mounts = {m["mountPath"]: m["name"] for m in pod["containers"][0]["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        return volumes[mounts[mount_path]]

    def test_job_is_indexed_and_runs_all_shards_at_once(self):
        spec = self.job["spec"]
        self.assertEqual(spec["completionMode"], "Indexed")
        self.assertGreaterEqual(spec["completions"], 2)
        self.assertEqual(spec["parallelism"], spec["completions"])
        self.assertEqual(self.pod["restartPolicy"], "Never")

    def test_each_pod_runs_its_shard_and_writes_json_to_the_shared_volume(self):
        args = self.container["args"]
        self.assertEqual(args[0], "run")
        n = self.job["spec"]["completions"]
        self.assertEqual(args[args.index("--shard") + 1], f"$(JOB_COMPLETION_INDEX)/{n}")
        json_path = args[args.index("--json") + 1]
        self.assertIn("$(JOB_COMPLETION_INDEX)", json_path)
        self.assertTrue(json_path.startswith("/results/"), json_path)
        self.assertIn("persistentVolumeClaim", self.volume_of(self.pod, "/results"))
        self.assertIn(("PersistentVolumeClaim", "s3storm-results"), self.documents)
        self.assertEqual(self.volume_of(self.pod, "/results")["persistentVolumeClaim"]["claimName"],
                         "s3storm-results")

    def test_metrics_port_is_exposed_to_prometheus(self):
        args = self.container["args"]
        address = args[args.index("--metrics") + 1]
        port = int(address.rsplit(":", 1)[1])
        self.assertIn("--metrics-remote", args)  # not loopback: s3storm refuses it without this
        self.assertIn("--metrics-linger", args)  # the last scrape comes after the run
        ports = {p["name"]: p["containerPort"] for p in self.container["ports"]}
        self.assertEqual(ports["metrics"], port)
        annotations = self.job["spec"]["template"]["metadata"]["annotations"]
        self.assertEqual(annotations["prometheus.io/scrape"], "true")
        self.assertEqual(int(annotations["prometheus.io/port"]), port)
        self.assertEqual(annotations["prometheus.io/path"], "/metrics")
        monitor = self.documents[("PodMonitor", "s3storm")]
        self.assertEqual(monitor["spec"]["selector"]["matchLabels"],
                         self.job["spec"]["template"]["metadata"]["labels"])
        [endpoint] = monitor["spec"]["podMetricsEndpoints"]
        self.assertEqual(endpoint["port"], "metrics")
        self.assertEqual(endpoint["path"], "/metrics")

    def test_scenario_comes_from_the_configmap(self):
        scenario_arg = self.container["args"][1]
        volume = self.volume_of(self.pod, str(Path(scenario_arg).parent))
        configmap = self.documents[("ConfigMap", volume["configMap"]["name"])]
        self.assertIn(Path(scenario_arg).name, configmap["data"])

    def test_configmap_scenario_validates(self):
        scenario_arg = self.container["args"][1]
        volume = self.volume_of(self.pod, str(Path(scenario_arg).parent))
        text = self.documents[("ConfigMap", volume["configMap"]["name"])]["data"][
            Path(scenario_arg).name]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "scenario.yaml"
            path.write_text(text, encoding="utf-8")
            # Without the endpoint the Secret provides, the scenario must refuse to run...
            self.assertEqual(validate(path).returncode, 2)
            # ...and with it, it is valid.
            result = validate(path, S3_ENDPOINT="http://127.0.0.1:9000")
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_secrets_come_from_a_secret_not_from_the_files(self):
        env = {e["name"]: e for e in self.container["env"]}
        for name in ("S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            self.assertIn("secretKeyRef", env[name]["valueFrom"], name)
        self.assertNotIn("Secret", {kind for kind, _ in self.documents})

    def test_merge_job_reads_every_shard_from_the_same_volume(self):
        merge = self.documents[("Job", "s3storm-merge")]["spec"]["template"]["spec"]
        args = merge["containers"][0]["args"]
        self.assertEqual(args[0], "merge")
        n = self.job["spec"]["completions"]
        json_path = self.container["args"][self.container["args"].index("--json") + 1]
        shards = [json_path.replace("$(JOB_COMPLETION_INDEX)", str(i)) for i in range(n)]
        self.assertEqual(args[1:1 + n], shards)
        self.assertEqual(self.volume_of(merge, "/results"), self.volume_of(self.pod, "/results"))
        self.assertIn("--output", args)

    def test_results_pod_mounts_the_volume_for_kubectl_cp(self):
        pod = self.documents[("Pod", "s3storm-results")]["spec"]
        self.assertEqual(self.volume_of(pod, "/results"), self.volume_of(self.pod, "/results"))


class Dockerfile(unittest.TestCase):
    def setUp(self):
        self.text = DOCKERFILE.read_text(encoding="utf-8")
        self.stages = re.findall(r"^FROM\s+(\S+)\s+AS\s+(\S+)\s*$", self.text, re.M | re.I)

    def runtime_packages(self):
        runtime = self.text.split(f"AS {self.stages[1][1]}", 1)[1]
        install = re.search(r"apt-get install([^&]*)", runtime).group(1)
        return {w for w in install.replace("\\", " ").split() if not w.startswith("-")}

    def test_two_debian_12_stages(self):
        self.assertEqual(len(re.findall(r"^FROM\s", self.text, re.M)), 2)
        self.assertEqual(len(self.stages), 2, self.stages)
        for image, _ in self.stages:
            self.assertRegex(image, r"^debian:bookworm(-slim)?$")
        build = self.stages[0][1]
        self.assertRegex(self.text, rf"COPY --from={build} \S+/s3storm /usr/local/bin/s3storm")
        self.assertIn('ENTRYPOINT ["s3storm"]', self.text)
        self.assertIn("cmake --preset release", self.text)

    def test_runtime_stage_installs_the_libraries_the_binary_links(self):
        # Each shared library of the built binary must come from the base image or from a
        # package the runtime stage installs.
        in_base_image = {"libc6", "libstdc++6", "libgcc-s1"}
        sanitizer_runtimes = {"libasan8", "libubsan1", "libtsan2"}
        installed = self.runtime_packages()
        ldd = subprocess.run(["ldd", BIN], capture_output=True, text=True, check=True).stdout
        paths = re.findall(r"=> (/\S+)", ldd)
        self.assertTrue(paths, ldd)
        for path in paths:
            owner = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True,
                                   text=True)
            if owner.returncode != 0:
                owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
            self.assertEqual(owner.returncode, 0, f"no package owns {path}")
            package = owner.stdout.split(":")[0]
            if package in sanitizer_runtimes:
                continue
            self.assertIn(package, installed | in_base_image, f"{path} needs {package}")

    def test_dockerignore_keeps_build_trees_out(self):
        ignored = (SOURCE / ".dockerignore").read_text(encoding="utf-8").split()
        for entry in ("build", ".git", "out"):
            self.assertIn(entry, ignored)


class OnlyLoopbackInDefaults(unittest.TestCase):
    """Default configurations may send to, or publish on, this machine only. The one exception
    is MinIO's webhook target, host.docker.internal, which is this host seen from its container;
    and 0.0.0.0 only as the webhook's listen address, which requires a token."""

    FILES = ["docker-compose.yml", "Dockerfile", "scenarios/localstack.yaml",
             "scenarios/minio.yaml", "deploy/localstack/create-queue.sh"] + [
        str(p.relative_to(SOURCE)) for p in sorted(K8S.glob("*.yaml"))]

    def test_urls_and_addresses(self):
        loopback = {"127.0.0.1", "localhost", "[::1]"}
        for name in self.FILES:
            for number, line in enumerate((SOURCE / name).read_text().splitlines(), 1):
                code = line.split("#", 1)[0] if not name.endswith("Dockerfile") else line
                if code.lstrip().startswith("#"):
                    continue
                where = f"{name}:{number}: {line.strip()}"
                for host in re.findall(r"\bhttps?://(\[[^\]]+\]|[^/:\s\"'}]+)", code):
                    allowed = loopback | ({"host.docker.internal"}
                                          if name == "docker-compose.yml" else set())
                    self.assertIn(host, allowed, where)
                for ip in re.findall(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.])", code):
                    if ip == "0.0.0.0" and name == "deploy/k8s/job.yaml":
                        # The pod's metrics port, for the cluster's Prometheus (see
                        # test_metrics_port_is_exposed_to_prometheus).
                        self.assertIn("0.0.0.0:9464", code, where)
                    elif ip == "0.0.0.0":
                        self.assertEqual(name, "scenarios/minio.yaml", where)
                        self.assertIn("listen:", code, where)
                    else:
                        self.assertTrue(ip.startswith("127."), where)

    def test_the_check_catches_a_remote_address(self):
        # The pattern above must see an address in the forms these files use.
        sample = 'endpoint: ${S3_ENDPOINT:-http://10.0.0.5:9000}  ports: ["0.0.0.0:80:80"]'
        self.assertEqual(re.findall(r"\bhttps?://(\[[^\]]+\]|[^/:\s\"'}]+)", sample),
                         ["10.0.0.5"])
        self.assertEqual(re.findall(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.])", sample),
                         ["10.0.0.5", "0.0.0.0"])


class TargetsDocument(unittest.TestCase):
    def test_names_each_target_and_the_state_of_shard(self):
        text = (SOURCE / "docs" / "targets.md").read_text(encoding="utf-8")
        for heading in ("LocalStack", "MinIO", "AWS", "Ceph RGW", "Kubernetes"):
            self.assertRegex(text, rf"(?m)^##.*{heading}", heading)
        self.assertIn("--shard", text)
        self.assertIn("sharding.md", text)
        # --shard exists now: nothing may still say it does not.
        for path in [SOURCE / "docs" / "targets.md", *sorted((SOURCE / "deploy" / "k8s").glob("*.yaml"))]:
            self.assertNotIn("not implemented", path.read_text(encoding="utf-8"), path)
        self.assertIn("s3storm merge", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
