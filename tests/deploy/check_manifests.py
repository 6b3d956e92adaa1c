#!/usr/bin/env python3
"""Checks deploy/ -- the Dockerfile and the Kubernetes manifests in deploy/k8s/
-- against what a deployment of actorgate depends on: the probes against the
config's paths and ports, the termination grace against the drain timings,
the backend's DNS name against its headless Service, every selector against
the pods it should select, the fleet sizing rule, a non-root user, resources,
and an image built from Debian packages only.

    check_manifests.py [--gateway BIN --backend BIN]
        Runs every check; exit 1 naming each broken invariant. With the
        programs, they also read the ConfigMap and the args (--dump-config),
        and their shared libraries are mapped to the runtime packages.
    check_manifests.py --self-test [--gateway BIN --backend BIN]
        Breaks each invariant in turn, in memory, and expects its check to
        fail (and the unbroken files to pass): every check can fail.

The effective configuration of a container is read as the programs read it:
built-in defaults (config/actorgate.ini, where "; default: X" marks a key
whose shipped value differs), then the file --config-file names (the
ConfigMap it is mounted from), then the command line.
"""
import copy
import math
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import yaml
except ImportError:
    raise SystemExit("check_manifests.py needs PyYAML: Debian's python3-yaml "
                     "(scripts/setup.sh SETUP=test installs it)")

ROOT = Path(__file__).resolve().parents[2]
GATEWAY, BACKEND = "actorgate-server", "compute-backend"
# Packages of debian:bookworm-slim itself (apt needs them): the runtime stage
# need not install them.
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}
# Installed for what the gateway runs rather than links: [idl] compiles the
# IDL with the Thrift compiler at start-up.
RUN_TIME_TOOLS = {"thrift-compiler"}


class Problem(Exception):
    """A check cannot even find what it checks."""


# -- reading ----------------------------------------------------------------

def parse_ini(text):
    """CAF's INI as the shipped file uses it: sections, key=value, ';' comments."""
    out, section = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        m = re.fullmatch(r"\[([\w.-]+)\]", line)
        if m:
            section = m[1]
            out.setdefault(section, {})
            continue
        if "=" not in line or section is None:
            raise Problem(f"not an INI line: {line!r}")
        key, value = line.split("=", 1)
        out[section][key.strip()] = unquote(value.strip())
    return out


def unquote(v):
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def shipped_defaults(text):
    """Built-in defaults, "group.key" -> value, from config/actorgate.ini: each
    key's value, or the one its "; default: X" comment line gives."""
    out, section, default = {}, None, None
    for line in text.splitlines():
        line = line.strip()
        m = re.fullmatch(r"\[([\w.-]+)\]", line)
        if m:
            section, default = m[1], None
        elif line.startswith("; default: "):
            default = unquote(line[len("; default: "):])
        elif line and not line.startswith(";") and "=" in line:
            key, value = line.split("=", 1)
            out[f"{section}.{key.strip()}"] = default if default is not None else unquote(value.strip())
            default = None
    return out


def parse_duration(text):
    """CAF's durations ("500ms", "5s", "1min") in seconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ns|us|ms|s|min|h)\s*", str(text))
    if not m:
        raise Problem(f"not a duration: {text!r}")
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1, "min": 60, "h": 3600}[m[2]]
    return float(m[1]) * scale


def parse_quantity(text):
    """A Kubernetes quantity ("500m", "2", "256Mi") as a number."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?", str(text))
    if not m:
        raise Problem(f"not a quantity: {text!r}")
    scale = {None: 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
             "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}[m[2]]
    return float(m[1]) * scale


def dockerfile_stages(text):
    """[(FROM line, [instructions])], continuation lines joined, comments dropped."""
    stages, joined, cur = [], [], ""
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s.endswith("\\"):
            cur += s[:-1] + " "
            continue
        joined.append((cur + s).strip())
        cur = ""
    for ins in joined:
        if ins.upper().startswith("FROM "):
            stages.append((ins, []))
        elif stages:
            stages[-1][1].append(ins)
    return stages


def instruction(ins):
    word, _, rest = ins.partition(" ")
    return word.upper(), rest.strip()


class World:
    """Everything the checks read; the self-test breaks copies of it."""

    def __init__(self, binaries=None):
        self.docs = []
        for f in sorted((ROOT / "deploy" / "k8s").glob("*.yaml")):
            for d in yaml.safe_load_all(f.read_text()):
                if d:
                    self.docs.append(d)
        self.dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
        self.defaults = shipped_defaults((ROOT / "config" / "actorgate.ini").read_text())
        self.metric_families = set()
        for f in (ROOT / "metrics").glob("*.cpp"):
            self.metric_families |= set(re.findall(r'"(actorgate_[a-z_]+)"', f.read_text()))
        doc = ROOT / "docs" / "scale-out.md"
        self.scale_out = doc.read_text() if doc.exists() else None
        self.binaries = binaries or {}


# -- what the checks look at --------------------------------------------------

def objects(w, kind):
    return [d for d in w.docs if d.get("kind") == kind]


def final_stage(w):
    stages = dockerfile_stages(w.dockerfile)
    if not stages:
        raise Problem("deploy/Dockerfile has no FROM")
    return stages[-1]


def entrypoint(w):
    for ins in final_stage(w)[1]:
        word, rest = instruction(ins)
        if word == "ENTRYPOINT":
            try:
                return yaml.safe_load(rest)  # exec form: a JSON array
            except yaml.YAMLError:
                return shlex.split(rest)
    return None


def program(w, container):
    cmd = container.get("command") or entrypoint(w) or []
    return os.path.basename(cmd[0]) if cmd else None


def workload(w, prog):
    """(Deployment, pod spec, container) running `prog`, exactly one."""
    found = []
    for d in objects(w, "Deployment"):
        pod = d.get("spec", {}).get("template", {}).get("spec", {})
        for c in pod.get("containers", []):
            if program(w, c) == prog:
                found.append((d, pod, c))
    if len(found) != 1:
        raise Problem(f"{len(found)} Deployments run {prog}, expected one")
    return found[0]


def pod_labels(d):
    return d.get("spec", {}).get("template", {}).get("metadata", {}).get("labels", {}) or {}


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def namespace(obj):
    return obj.get("metadata", {}).get("namespace", "default")


def resolve_port(container, port):
    if isinstance(port, int):
        return port
    for p in container.get("ports", []):
        if p.get("name") == port:
            return p["containerPort"]
    raise Problem(f"port {port!r} is not a port of container {container.get('name')}")


def split_args(container):
    """(--config-file value or None, {"group.key": value}) from the args."""
    config_file, opts = None, {}
    for a in container.get("args", []) or []:
        if not a.startswith("--") or "=" not in a:
            continue
        key, value = a[2:].split("=", 1)
        if key == "config-file":
            config_file = value
        else:
            opts[key] = unquote(value)
    return config_file, opts


def mounted_config(w, pod, container, path):
    """The text of the ConfigMap key mounted at `path`, or None."""
    volumes = {v["name"]: v for v in pod.get("volumes", []) or []}
    for m in container.get("volumeMounts", []) or []:
        cm = volumes.get(m["name"], {}).get("configMap")
        if not cm:
            continue
        if m.get("subPath"):
            if m["mountPath"] != path:
                continue
            key_path = m["subPath"]
        elif os.path.dirname(path) == m["mountPath"].rstrip("/"):
            key_path = os.path.basename(path)
        else:
            continue
        key = key_path
        if cm.get("items"):  # only the listed keys are projected, at their paths
            keys = [i["key"] for i in cm["items"] if i["path"] == key_path]
            if not keys:
                continue
            key = keys[0]
        for c in objects(w, "ConfigMap"):
            if c["metadata"]["name"] == cm["name"] and key in (c.get("data") or {}):
                return c["data"][key]
    return None


def effective(w, pod, container):
    """The container's configuration, "group.key" -> value, and its config file's text."""
    cfg = dict(w.defaults)
    config_file, opts = split_args(container)
    text = mounted_config(w, pod, container, config_file) if config_file else None
    if text is not None:
        for section, keys in parse_ini(text).items():
            for k, v in keys.items():
                cfg[f"{section}.{k}"] = v
    cfg.update(opts)
    return cfg, text


def pool_groups(w):
    """The gateway's pool groups: the shipped config's groups with a pool-size."""
    return sorted({k.split(".")[0] for k in w.defaults if k.endswith(".pool-size")})


def active_pools(w, cfg):
    """Pools the gateway runs: every pool group, but an IDL group only with a file."""
    return [g for g in pool_groups(w) if cfg.get(f"{g}.file", "x") != ""]


def pool_targets(cfg, group):
    eps = cfg.get(f"{group}.endpoints", "")
    if eps:
        return [e.strip() for e in eps.split(",") if e.strip()]
    return [f"{cfg.get(group + '.host')}:{cfg.get(group + '.port')}"]


def dns_target(target):
    """"dns:SERVICE.NAMESPACE.svc[.DOMAIN]:PORT" -> (service, namespace, port)."""
    m = re.fullmatch(r"dns:([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.[a-z0-9.-]+)?:(\d+)", target)
    return (m[1], m[2], int(m[3])) if m else None


def server_group(w):
    groups = {k.split(".")[0] for k in w.defaults if k.endswith(".threads")} - {"scheduler"}
    if len(groups) != 1:
        raise Problem(f"expected one server group in config/actorgate.ini, found {sorted(groups)}")
    return groups.pop()


def max_gateways(w, dep, pod):
    """The most gateway pods that can hold backend connections at once."""
    spec = dep.get("spec", {})
    replicas = spec.get("replicas", 1)
    for h in objects(w, "HorizontalPodAutoscaler"):
        ref = h.get("spec", {}).get("scaleTargetRef", {})
        if ref.get("kind") == "Deployment" and ref.get("name") == dep["metadata"]["name"]:
            replicas = max(replicas, h["spec"]["maxReplicas"])
    strategy = spec.get("strategy", {}) or {}
    if strategy.get("type") == "Recreate":
        return replicas, f"{replicas} (Recreate: old pods end before new ones start)"
    ru = strategy.get("rollingUpdate", {}) or {}

    def amount(v, round_up):
        v = "25%" if v is None else v
        if isinstance(v, str) and v.endswith("%"):
            x = replicas * int(v[:-1]) / 100
            return math.ceil(x) if round_up else math.floor(x)
        return int(v)

    surge, unavailable = amount(ru.get("maxSurge"), True), amount(ru.get("maxUnavailable"), False)
    grace = pod.get("terminationGracePeriodSeconds", 30)
    if spec.get("minReadySeconds", 0) >= grace:
        draining, why = min(surge + unavailable, replicas), "maxSurge + maxUnavailable draining"
    else:
        draining, why = replicas, "every old pod may be draining: minReadySeconds < grace"
    return (replicas + surge + draining,
            f"{replicas} replicas + {surge} surge + {draining} ({why})")


# -- the checks -------------------------------------------------------------

CHECKS = []


def check(name, what):
    def register(f):
        CHECKS.append((name, what, f))
        return f
    return register


@check("kinds", "the objects a deployment needs, with the API versions that serve them, "
                "all in one namespace")
def check_kinds(w):
    problems = []
    want = {("Deployment", "apps/v1"): 2, ("Service", "v1"): 2, ("ConfigMap", "v1"): 1,
            ("PodDisruptionBudget", "policy/v1"): 2}
    for (kind, api), n in want.items():
        have = [d for d in objects(w, kind) if d.get("apiVersion") == api]
        if len(have) < n:
            problems.append(f"{n} {kind} ({api}) expected, found {len(have)}")
    for d in w.docs:
        if not d.get("metadata", {}).get("name"):
            problems.append(f"a {d.get('kind')} without metadata.name")
    spaces = {namespace(d) for d in w.docs if d.get("kind") != "Namespace"}
    if len(spaces) != 1:
        problems.append(f"objects in several namespaces: {sorted(spaces)}")
    for prog in (GATEWAY, BACKEND):
        try:
            workload(w, prog)
        except Problem as e:
            problems.append(str(e))
    return problems


@check("config-file", "each program reads the ConfigMap through --config-file, and every "
                      "option the ConfigMap and the args set exists")
def check_config_file(w):
    problems = []
    known = set(w.defaults)
    for prog in (GATEWAY, BACKEND):
        _, pod, c = workload(w, prog)
        config_file, opts = split_args(c)
        if not config_file:
            problems.append(f"{prog}: no --config-file: it would read the image's "
                            "config/actorgate.ini")
            continue
        text = mounted_config(w, pod, c, config_file)
        if text is None:
            problems.append(f"{prog}: --config-file={config_file} is not a mounted ConfigMap key")
            continue
        keys = {f"{s}.{k}" for s, ks in parse_ini(text).items() for k in ks}
        for k in sorted((keys | set(opts)) - known):
            problems.append(f"{prog}: option {k} is not an option of config/actorgate.ini")
    return problems


@check("probes", "the gateway's readiness probe GETs http.ready-path and its liveness "
                 "probe http.health-path, as the config says")
def check_probes(w):
    problems = []
    _, pod, c = workload(w, GATEWAY)
    cfg, _ = effective(w, pod, c)
    for probe, key in (("readinessProbe", "http.ready-path"), ("livenessProbe", "http.health-path")):
        path = (c.get(probe) or {}).get("httpGet", {}).get("path")
        if not cfg.get(key):
            problems.append(f"{key} is empty: the route is off")
        if path != cfg.get(key):
            problems.append(f"{probe} GETs {path!r}, {key} is {cfg.get(key)!r}")
    return problems


@check("ports", "probe ports, container ports, Service target ports and the configured "
                "ports and addresses agree")
def check_ports(w):
    problems = []
    _, gpod, g = workload(w, GATEWAY)
    gcfg, _ = effective(w, gpod, g)
    http_port = int(gcfg["http.port"])
    container_ports = [p["containerPort"] for p in g.get("ports", [])]
    if http_port not in container_ports:
        problems.append(f"http.port {http_port} is not a container port ({container_ports})")
    for probe in ("readinessProbe", "livenessProbe"):
        port = (g.get(probe) or {}).get("httpGet", {}).get("port")
        if port is None or resolve_port(g, port) != http_port:
            problems.append(f"gateway {probe} port {port!r} is not http.port {http_port}")
    if gcfg.get("http.address") != "0.0.0.0":
        problems.append(f"http.address is {gcfg.get('http.address')!r}: the kubelet and the "
                        "Service reach the pod on its IP, not 127.0.0.1")
    server = server_group(w)
    _, bpod, b = workload(w, BACKEND)
    bcfg, _ = effective(w, bpod, b)
    be_port = int(bcfg[f"{server}.port"])
    if be_port not in [p["containerPort"] for p in b.get("ports", [])]:
        problems.append(f"{server}.port {be_port} is not a container port of the backend")
    tcp = (b.get("readinessProbe") or {}).get("tcpSocket", {}).get("port")
    if tcp is None or resolve_port(b, tcp) != be_port:
        problems.append(f"backend readinessProbe tcpSocket port {tcp!r} is not {server}.port {be_port}")
    if bcfg.get(f"{server}.address") != "0.0.0.0":
        problems.append(f"{server}.address is {bcfg.get(server + '.address')!r}, not 0.0.0.0")
    for svc in objects(w, "Service"):
        for prog, dep, pod, c in ((GATEWAY, *workload(w, GATEWAY)), (BACKEND, *workload(w, BACKEND))):
            if not selects(svc["spec"].get("selector"), pod_labels(dep)):
                continue
            for p in svc["spec"].get("ports", []):
                target = p.get("targetPort", p.get("port"))
                try:
                    resolve_port(c, target)
                except Problem as e:
                    problems.append(f"Service {svc['metadata']['name']}: {e}")
    gsvc = [s for s in objects(w, "Service") if selects(s["spec"].get("selector"),
                                                          pod_labels(workload(w, GATEWAY)[0]))]
    if not any(s["spec"].get("type", "ClusterIP") == "ClusterIP" and
               any(p.get("port") == 80 and resolve_port(g, p.get("targetPort", 80)) == http_port
                   for p in s["spec"].get("ports", [])) for s in gsvc):
        problems.append(f"no ClusterIP Service of the gateway maps port 80 to http.port {http_port}")
    return problems


@check("grace", "terminationGracePeriodSeconds >= http.drain-delay + http.shutdown-grace, "
                "and drain-delay > readiness periodSeconds x failureThreshold")
def check_grace(w):
    problems = []
    _, pod, c = workload(w, GATEWAY)
    cfg, _ = effective(w, pod, c)
    drain = parse_duration(cfg.get("http.drain-delay", "0s"))
    grace = parse_duration(cfg["http.shutdown-grace"])
    period = pod.get("terminationGracePeriodSeconds", 30)
    if drain <= 0:
        problems.append("http.drain-delay is 0: the gateway stops accepting before anything "
                        "takes it out of rotation")
    if period < drain + grace:
        problems.append(f"terminationGracePeriodSeconds {period} < drain-delay {drain:g}s + "
                        f"shutdown-grace {grace:g}s: SIGKILL cuts the drain")
    rp = c.get("readinessProbe") or {}
    seen = rp.get("periodSeconds", 10) * rp.get("failureThreshold", 3)
    if drain <= seen:
        problems.append(f"drain-delay {drain:g}s is not above readiness periodSeconds x "
                        f"failureThreshold = {seen}s")
    return problems


@check("endpoints", "every pool the gateway runs calls dns:SERVICE.NAMESPACE.svc...:PORT of "
                    "the backend's headless Service, on the backend's port")
def check_endpoints(w):
    problems = []
    _, pod, c = workload(w, GATEWAY)
    cfg, _ = effective(w, pod, c)
    bdep, bpod, b = workload(w, BACKEND)
    bcfg, _ = effective(w, bpod, b)
    be_port = int(bcfg[f"{server_group(w)}.port"])
    for group in active_pools(w, cfg):
        for target in pool_targets(cfg, group):
            parsed = dns_target(target)
            if not parsed:
                problems.append(f"{group}.endpoints {target!r} is not dns:SERVICE.NAMESPACE.svc."
                                "cluster.local:PORT")
                continue
            name, ns, port = parsed
            svc = [s for s in objects(w, "Service")
                   if s["metadata"]["name"] == name and namespace(s) == ns]
            if not svc:
                problems.append(f"{group}.endpoints: no Service {name} in namespace {ns}")
                continue
            spec = svc[0]["spec"]
            if spec.get("clusterIP") != "None":
                problems.append(f"{group}.endpoints: Service {name} is not headless")
            if not selects(spec.get("selector"), pod_labels(bdep)):
                problems.append(f"{group}.endpoints: Service {name} does not select the backend")
            if port != be_port:
                problems.append(f"{group}.endpoints port {port} is not the backend's {be_port}")
            if not any(p.get("port") == port and resolve_port(b, p.get("targetPort", port)) == port
                       for p in spec.get("ports", [])):
                problems.append(f"{group}.endpoints: Service {name} has no port {port} with "
                                "the same target port (headless: clients dial the pods)")
    return problems


@check("headless", "the backend's Service is headless (clusterIP: None), selects the "
                   "backend pods and publishes only ready ones")
def check_headless(w):
    bdep = workload(w, BACKEND)[0]
    svcs = [s for s in objects(w, "Service") if selects(s["spec"].get("selector"), pod_labels(bdep))]
    if not svcs:
        return ["no Service selects the backend pods"]
    problems = [f"Service {s['metadata']['name']} of the backend has clusterIP "
                f"{s['spec'].get('clusterIP', '(none given: one is allocated)')}, not \"None\""
                for s in svcs if s["spec"].get("clusterIP") != "None"]
    problems += [f"Service {s['metadata']['name']} publishes backends that are not ready"
                 for s in svcs if s["spec"].get("publishNotReadyAddresses")]
    return problems


@check("selectors", "each Deployment's selector matches its pod labels; every Service and "
                    "spread constraint selects the pods of exactly one Deployment")
def check_selectors(w):
    problems = []
    deps = objects(w, "Deployment")
    for d in deps:
        sel = d.get("spec", {}).get("selector", {}).get("matchLabels")
        if not selects(sel, pod_labels(d)):
            problems.append(f"Deployment {d['metadata']['name']}: selector {sel} does not "
                            f"match its pod labels {pod_labels(d)}")
        for t in d["spec"]["template"]["spec"].get("topologySpreadConstraints", []) or []:
            sel = t.get("labelSelector", {}).get("matchLabels")
            if [x["metadata"]["name"] for x in deps if selects(sel, pod_labels(x))] != \
                    [d["metadata"]["name"]]:
                problems.append(f"Deployment {d['metadata']['name']}: spread constraint "
                                f"selector {sel} is not its own pods")
    for s in objects(w, "Service"):
        sel = s["spec"].get("selector")
        hit = [d["metadata"]["name"] for d in deps
               if selects(sel, pod_labels(d)) and namespace(d) == namespace(s)]
        if len(hit) != 1:
            problems.append(f"Service {s['metadata']['name']}: selector {sel} selects the pods "
                            f"of {hit or 'no Deployment'}")
    return problems


@check("pdb", "each Deployment has one PodDisruptionBudget selecting its pods, which still "
              "lets one pod go")
def check_pdb(w):
    problems = []
    pdbs = objects(w, "PodDisruptionBudget")
    for d in objects(w, "Deployment"):
        mine = [p for p in pdbs
                if selects(p["spec"].get("selector", {}).get("matchLabels"), pod_labels(d))]
        name = d["metadata"]["name"]
        if len(mine) != 1:
            problems.append(f"Deployment {name}: {len(mine)} PodDisruptionBudgets select it")
            continue
        spec, replicas = mine[0]["spec"], d["spec"].get("replicas", 1)
        if "minAvailable" in spec:
            if not isinstance(spec["minAvailable"], int) or spec["minAvailable"] >= replicas:
                problems.append(f"PDB of {name}: minAvailable {spec['minAvailable']} of "
                                f"{replicas} replicas blocks every eviction")
        elif "maxUnavailable" in spec:
            if spec["maxUnavailable"] in (0, "0%"):
                problems.append(f"PDB of {name}: maxUnavailable 0 blocks every eviction")
        else:
            problems.append(f"PDB of {name}: neither minAvailable nor maxUnavailable")
    return problems


@check("replicas", "at least two gateway and two backend pods")
def check_replicas(w):
    return [f"{prog}: {d['spec'].get('replicas', 1)} replica(s), at least 2 needed"
            for prog in (GATEWAY, BACKEND)
            for d in [workload(w, prog)[0]] if d["spec"].get("replicas", 1) < 2]


@check("security", "pods run as non-root with no privilege escalation; the image's USER "
                   "is a non-root numeric id")
def check_security(w):
    problems = []
    for prog in (GATEWAY, BACKEND):
        _, pod, c = workload(w, prog)
        psc, csc = pod.get("securityContext") or {}, c.get("securityContext") or {}
        if not (csc.get("runAsNonRoot", psc.get("runAsNonRoot")) is True):
            problems.append(f"{prog}: runAsNonRoot is not true")
        if csc.get("runAsUser", psc.get("runAsUser")) == 0:
            problems.append(f"{prog}: runAsUser 0")
        if csc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{prog}: allowPrivilegeEscalation is not false")
    users = [instruction(i)[1] for i in final_stage(w)[1] if instruction(i)[0] == "USER"]
    if not users:
        problems.append("Dockerfile: the runtime stage has no USER: it runs as root")
    else:
        user = users[-1].split(":")[0]
        if user in ("root", "0") or not user.isdigit():
            problems.append(f"Dockerfile: USER {users[-1]}: not a non-root numeric id "
                            "(runAsNonRoot can verify only a number)")
    return problems


@check("resources", "every container requests and limits CPU and memory, requests <= limits")
def check_resources(w):
    problems = []
    for d in objects(w, "Deployment"):
        for c in d["spec"]["template"]["spec"].get("containers", []):
            r = c.get("resources") or {}
            for res in ("cpu", "memory"):
                req = (r.get("requests") or {}).get(res)
                lim = (r.get("limits") or {}).get(res)
                if req is None or lim is None:
                    problems.append(f"{d['metadata']['name']}: no {res} request or limit")
                elif parse_quantity(req) > parse_quantity(lim):
                    problems.append(f"{d['metadata']['name']}: {res} request {req} > limit {lim}")
    return problems


@check("sizing", "the fleet sizing rule: each backend's threads >= the most gateways at "
                 "once x the pool sizes of the pools that call it")
def check_sizing(w):
    gdep, gpod, g = workload(w, GATEWAY)
    gcfg, _ = effective(w, gpod, g)
    bdep, bpod, b = workload(w, BACKEND)
    bcfg, _ = effective(w, bpod, b)
    backend_svcs = {(s["metadata"]["name"], namespace(s)) for s in objects(w, "Service")
                    if selects(s["spec"].get("selector"), pod_labels(bdep))}
    per_gateway, parts = 0, []
    for group in active_pools(w, gcfg):
        if any((dns_target(t) or (None, None))[:2] in backend_svcs for t in pool_targets(gcfg, group)):
            n = int(gcfg[f"{group}.pool-size"])
            per_gateway += n
            parts.append(f"{group}.pool-size {n}")
    gateways, why = max_gateways(w, gdep, gpod)
    threads = int(bcfg[f"{server_group(w)}.threads"])
    need = gateways * per_gateway
    if threads < need:
        return [f"backend threads {threads} < {need} = gateways {gateways} [{why}] x "
                f"({' + '.join(parts) or 'no pool calls the backend'})"]
    if per_gateway == 0:
        return ["no gateway pool calls the backend's Service"]
    return []


@check("image", "both Deployments run the image the Dockerfile builds: the gateway by its "
                "ENTRYPOINT, the backend by command; EXPOSE lists both ports")
def check_image(w):
    problems = []
    ep = entrypoint(w)
    if not ep or os.path.basename(ep[0]) != GATEWAY:
        problems.append(f"Dockerfile ENTRYPOINT {ep} is not [\"{GATEWAY}\"] in exec form")
    gdep, gpod, g = workload(w, GATEWAY)
    bdep, bpod, b = workload(w, BACKEND)
    if g.get("image") != b.get("image"):
        problems.append(f"gateway image {g.get('image')} and backend image {b.get('image')} differ")
    if b.get("command") != [BACKEND]:
        problems.append(f"backend command {b.get('command')} is not [\"{BACKEND}\"]")
    exposed = set()
    for ins in final_stage(w)[1]:
        word, rest = instruction(ins)
        if word == "EXPOSE":
            exposed |= {int(p.split("/")[0]) for p in rest.split()}
    gcfg, _ = effective(w, gpod, g)
    bcfg, _ = effective(w, bpod, b)
    for port in (int(gcfg["http.port"]), int(bcfg[f"{server_group(w)}.port"])):
        if port not in exposed:
            problems.append(f"Dockerfile does not EXPOSE {port}")
    return problems


@check("dockerfile", "Debian bookworm bases only, Debian packages only (no curl|sh, pip or "
                     "remote ADD), the project's set-up script and cmake --install, a slim "
                     "runtime stage")
def check_dockerfile(w):
    problems = []
    stages = dockerfile_stages(w.dockerfile)
    names = set()
    for from_line, _ in stages:
        parts = from_line.split()
        image = parts[1]
        if not (re.fullmatch(r"debian:bookworm(-slim)?(@sha256:[0-9a-f]{64})?", image)
                or image in names):
            problems.append(f"{from_line}: not debian:bookworm or debian:bookworm-slim")
        if len(parts) >= 4 and parts[2].upper() == "AS":
            names.add(parts[3])
    text = " ".join(i for _, ins in stages for i in ins)
    if re.search(r"\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(ba|da|z)?sh\b", text):
        problems.append("Dockerfile pipes a download into a shell")
    if re.search(r"\b(pip3?|easy_install)\b|-m\s+pip\b", text):
        problems.append("Dockerfile installs with pip: Debian packages only")
    if re.search(r"\bADD\s+(--\S+\s+)*https?://", text, re.I):
        problems.append("Dockerfile ADDs a URL")
    build_runs = [instruction(i)[1] for _, ins in stages[:-1] for i in ins
                  if instruction(i)[0] == "RUN"]
    if not any(all(x in r for x in ("SETUP=run", "BUILD_TYPE=Release", "scripts/setup.sh"))
               for r in build_runs):
        problems.append("no build stage runs scripts/setup.sh with SETUP=run BUILD_TYPE=Release")
    if not any("cmake --install" in r for r in build_runs):
        problems.append("no build stage runs cmake --install")
    runtime = runtime_packages(w)
    for p in sorted(runtime):
        if p.endswith("-dev") or p in ("g++", "gcc", "cmake", "ninja-build", "build-essential"):
            problems.append(f"the runtime stage installs {p}, a build tool")
    if "--no-install-recommends" not in " ".join(final_stage(w)[1]):
        problems.append("the runtime stage installs recommended packages too")
    return problems


def runtime_packages(w):
    pkgs = set()
    for ins in final_stage(w)[1]:
        word, rest = instruction(ins)
        if word != "RUN":
            continue
        for m in re.finditer(r"apt-get\s+install\s+([^&;|]*)", rest):
            pkgs |= {t for t in m[1].split() if not t.startswith("-")}
    return pkgs


@check("idl", "an [idl] the gateway serves is an absolute path into the image, compiled by "
              "the runtime's thrift-compiler into a writable /tmp")
def check_idl(w):
    problems = []
    _, pod, c = workload(w, GATEWAY)
    cfg, _ = effective(w, pod, c)
    for group in pool_groups(w):
        f = cfg.get(f"{group}.file")
        if not f:
            continue
        copied = {instruction(i)[1].split()[-1].rstrip("/") for i in final_stage(w)[1]
                  if instruction(i)[0] == "COPY"}
        if not f.startswith("/"):
            problems.append(f"{group}.file {f!r} is relative: it depends on the working directory")
        elif f not in copied and os.path.dirname(f) not in copied:
            problems.append(f"{group}.file {f}: the Dockerfile copies nothing to {os.path.dirname(f)}")
        if f.endswith(".thrift") and "thrift-compiler" not in runtime_packages(w):
            problems.append(f"{group}.file is a .thrift file, and the runtime stage does not "
                            "install thrift-compiler")
        if (c.get("securityContext") or {}).get("readOnlyRootFilesystem"):
            if not any(m["mountPath"] == "/tmp" for m in c.get("volumeMounts", []) or []):
                problems.append("read-only root file system and no volume at /tmp, where "
                                "the Thrift compiler writes")
    return problems


def run(argv):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


@check("programs", "actorgate-server and compute-backend accept the ConfigMap and the args "
                   "(--dump-config), and read them as this script does")
def check_programs(w):
    if not w.binaries:
        return None
    problems = []
    for prog in (GATEWAY, BACKEND):
        _, pod, c = workload(w, prog)
        cfg, text = effective(w, pod, c)
        with tempfile.NamedTemporaryFile("w", suffix=".ini") as f:
            f.write(text or "")
            f.flush()
            args = [a if not a.startswith("--config-file=") else "--config-file=" + f.name
                    for a in c.get("args", []) or []]
            rc, out, err = run([w.binaries[prog], *args, "--dump-config"])
        if rc != 0:
            problems.append(f"{prog} refuses its configuration (exit {rc}): {err.strip()}")
            continue
        dumped = {f"{s}.{k}": v for s, ks in parse_ini(out).items() for k, v in ks.items()}
        for key in sorted(set(dumped) & set(cfg)):
            a, b = dumped[key], cfg[key]
            try:
                same = parse_duration(a) == parse_duration(b)
            except Problem:
                same = a == b
            if not same:
                problems.append(f"{prog}: {key} is {a!r} to the program, {b!r} to this script")
    return problems


_LIB_PACKAGES = {}


def lib_packages(path):
    """{NEEDED library: Debian package} of a program, or None when this machine
    cannot tell (no readelf, ldd or dpkg) or the program is a sanitizer build
    (the image is a plain Release build). Cached: the self-test asks often."""
    if path in _LIB_PACKAGES:
        return _LIB_PACKAGES[path]
    result = None
    try:
        _, out, _ = run(["readelf", "-d", path])
        libs = re.findall(r"\(NEEDED\).*\[(.+)\]", out)
        if libs and not any(re.match(r"lib(a|t|ub|l)san", lib) for lib in libs):
            _, ldd, _ = run(["ldd", path])
            where = dict(re.findall(r"^\s*(\S+) => (\S+)", ldd, re.M))
            candidates = {}
            for lib in libs:
                real = os.path.realpath(where.get(lib, lib))
                # dpkg knows a file by the path its package ships it at:
                # /usr/lib or /lib (merged /usr), the link or its target.
                candidates[lib] = [where.get(lib, lib), real, real.replace("/usr/lib/", "/lib/", 1)]
            _, out, _ = run(["dpkg", "-S", *{c for cs in candidates.values() for c in cs}])
            owner = {}
            for line in out.splitlines():
                pkgs, _, file = line.partition(": ")
                owner[file.strip()] = pkgs.split(",")[0].split(":")[0].strip()
            result = {lib: next((owner[c] for c in cs if c in owner), None)
                      for lib, cs in candidates.items()}
    except FileNotFoundError:
        result = None
    _LIB_PACKAGES[path] = result
    return result


@check("runtime-libs", "the runtime stage installs exactly the packages of the libraries "
                       "the programs need (readelf -d, dpkg -S) and thrift-compiler")
def check_runtime_libs(w):
    if not w.binaries:
        return None
    needed_pkgs, problems = set(), []
    for prog, path in w.binaries.items():
        packages = lib_packages(path)
        if packages is None:
            return None
        for lib, pkg in packages.items():
            if pkg is None:
                problems.append(f"{prog}: {lib} belongs to no Debian package")
            else:
                needed_pkgs.add(pkg)
    installed = runtime_packages(w)
    problems += [f"the runtime stage does not install {p}, which the programs need"
                 for p in sorted(needed_pkgs - BASE_IMAGE_PACKAGES - installed)]
    problems += [f"the runtime stage installs {p}, which no program links"
                 for p in sorted(installed - needed_pkgs - RUN_TIME_TOOLS)]
    return problems


@check("docs", "docs/scale-out.md names only metrics the gateway exports, files that exist, "
               "and checks the balancer on http.ready-path")
def check_docs(w):
    if w.scale_out is None:
        return ["docs/scale-out.md is missing"]
    problems = []
    for name in sorted(set(re.findall(r"\bactorgate_[a-z_]*[a-z]", w.scale_out))):
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        if name not in w.metric_families and family not in w.metric_families:
            problems.append(f"docs/scale-out.md: no metric {name} in metrics/")
    for path in sorted(set(re.findall(r"\b((?:deploy|config|docs|tests|scripts)/[\w./-]*\w)",
                                      w.scale_out))):
        if not (ROOT / path).exists():
            problems.append(f"docs/scale-out.md: {path} does not exist")
    checks = re.findall(r"option httpchk GET (\S+)", w.scale_out)
    if not checks or any(c != w.defaults["http.ready-path"] for c in checks):
        problems.append(f"docs/scale-out.md: HAProxy checks {checks}, not "
                        f"{w.defaults['http.ready-path']}")
    return problems


def run_checks(w, only=None):
    """{check name: problems list, or None when it could not run here}."""
    results = {}
    for name, _, f in CHECKS:
        if only and name != only:
            continue
        try:
            results[name] = f(w)
        except (Problem, KeyError, TypeError, ValueError, AttributeError) as e:
            results[name] = [f"cannot check: {type(e).__name__}: {e}"]
    return results


# -- the self-test: each check must be able to fail --------------------------

def doc(w, kind, name):
    for d in w.docs:
        if d.get("kind") == kind and d["metadata"]["name"] == name:
            return d
    raise Problem(f"no {kind} {name}")


def gateway(w):
    return workload(w, GATEWAY)


def backend(w):
    return workload(w, BACKEND)


def set_arg(c, key, value):
    c["args"] = [a for a in c.get("args", []) if not a.startswith(f"--{key}=")]
    if value is not None:
        c["args"].append(f"--{key}={value}")


def replace_args(c, old, new):
    c["args"] = [a.replace(old, new) for a in c["args"]]


def edit_config(w, old, new):
    cm = objects(w, "ConfigMap")[0]
    if old not in cm["data"]["actorgate.ini"]:
        raise Problem(f"the ConfigMap has no {old!r}")
    cm["data"]["actorgate.ini"] = cm["data"]["actorgate.ini"].replace(old, new, 1)


def edit_dockerfile(w, old, new):
    if old not in w.dockerfile:
        raise Problem(f"the Dockerfile has no {old!r}")
    w.dockerfile = w.dockerfile.replace(old, new, 1)


def edit_doc(w, old, new):
    if w.scale_out is None or old not in w.scale_out:
        raise Problem(f"docs/scale-out.md has no {old!r}")
    w.scale_out = w.scale_out.replace(old, new)


def autoscaler(w, max_replicas):
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "gw", "namespace": "actorgate"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                        "name": gateway(w)[0]["metadata"]["name"]},
                     "minReplicas": 3, "maxReplicas": max_replicas}}


RUNTIME = "WORKDIR /usr/local/share/actorgate"
NAME = "app.kubernetes.io/name"
# (check, what is broken, how): each check must fail on its breaks.
BREAKS = [
    ("kinds", "the PodDisruptionBudgets removed",
     lambda w: setattr(w, "docs", [d for d in w.docs if d["kind"] != "PodDisruptionBudget"])),
    ("kinds", "the backend's Deployment in another namespace",
     lambda w: backend(w)[0]["metadata"].update(namespace="default")),
    ("config-file", "the gateway's --config-file dropped",
     lambda w: set_arg(gateway(w)[2], "config-file", None)),
    ("config-file", "a misspelt option in the ConfigMap",
     lambda w: edit_config(w, "pool-size=4", "pool-sizes=4")),
    ("probes", "the readiness probe on /readyz",
     lambda w: gateway(w)[2]["readinessProbe"]["httpGet"].update(path="/readyz")),
    ("probes", "http.health-path moved in the ConfigMap, the liveness probe not",
     lambda w: edit_config(w, 'health-path="/health"', 'health-path="/healthz"')),
    ("ports", "the liveness probe on port 8081",
     lambda w: gateway(w)[2]["livenessProbe"]["httpGet"].update(port=8081)),
    ("ports", "http.port 8081 in the ConfigMap, the container port 8080",
     lambda w: edit_config(w, "port=8080", "port=8081")),
    ("ports", "the gateway listening on 127.0.0.1",
     lambda w: set_arg(gateway(w)[2], "http.address", "127.0.0.1")),
    ("grace", "terminationGracePeriodSeconds 12",
     lambda w: gateway(w)[1].update(terminationGracePeriodSeconds=12)),
    ("grace", "readiness checked every 5 s, 3 failures: 15 s > drain-delay",
     lambda w: gateway(w)[2]["readinessProbe"].update(periodSeconds=5, failureThreshold=3)),
    ("grace", "no drain-delay",
     lambda w: set_arg(gateway(w)[2], "http.drain-delay", None)),
    ("endpoints", "the backend's DNS name in namespace default",
     lambda w: replace_args(gateway(w)[2], ".actorgate.svc.", ".default.svc.")),
    ("endpoints", "the [idl] pool left on 127.0.0.1",
     lambda w: set_arg(gateway(w)[2], "idl.endpoints", None)),
    ("endpoints", "port 9091 in the DNS endpoints",
     lambda w: replace_args(gateway(w)[2], "cluster.local:9090", "cluster.local:9091")),
    ("headless", "the backend's Service given a cluster IP",
     lambda w: doc(w, "Service", "compute-backend")["spec"].pop("clusterIP")),
    ("headless", "the backend's Service publishing pods that are not ready",
     lambda w: doc(w, "Service", "compute-backend")["spec"].update(publishNotReadyAddresses=True)),
    ("selectors", "the backend's Service selecting a label its pods lack",
     lambda w: doc(w, "Service", "compute-backend")["spec"].update(selector={NAME: "backend"})),
    ("selectors", "the gateway's pod labels renamed, its selector not",
     lambda w: gateway(w)[0]["spec"]["template"]["metadata"].update(labels={"app": "gw"})),
    ("pdb", "the gateway's PDB selecting the backend",
     lambda w: doc(w, "PodDisruptionBudget", "actorgate-gateway")["spec"]["selector"].update(
         matchLabels={NAME: "compute-backend"})),
    ("pdb", "the backend's PDB with minAvailable = replicas",
     lambda w: doc(w, "PodDisruptionBudget", "compute-backend").update(
         spec={"minAvailable": 2, "selector": {"matchLabels": {NAME: "compute-backend"}}})),
    ("replicas", "one gateway",
     lambda w: gateway(w)[0]["spec"].update(replicas=1)),
    ("security", "runAsNonRoot false on the backend",
     lambda w: backend(w)[1]["securityContext"].update(runAsNonRoot=False)),
    ("security", "the image's USER root",
     lambda w: edit_dockerfile(w, "USER 10001:10001", "USER root")),
    ("resources", "the backend without limits",
     lambda w: backend(w)[2]["resources"].pop("limits")),
    ("resources", "the gateway requesting more memory than its limit",
     lambda w: gateway(w)[2]["resources"]["requests"].update(memory="1Gi")),
    ("sizing", "backend.pool-size 8 in the ConfigMap",
     lambda w: edit_config(w, "pool-size=4", "pool-size=8")),
    ("sizing", "6 gateway replicas",
     lambda w: gateway(w)[0]["spec"].update(replicas=6)),
    ("sizing", "no minReadySeconds: every old gateway may drain at once",
     lambda w: gateway(w)[0]["spec"].pop("minReadySeconds")),
    ("sizing", "an autoscaler up to 8 gateways",
     lambda w: w.docs.append(autoscaler(w, 8))),
    ("sizing", "compute-server.threads 16 on the backend's command line",
     lambda w: set_arg(backend(w)[2], "compute-server.threads", "16")),
    ("image", "the backend on another image",
     lambda w: backend(w)[2].update(image="actorgate:other")),
    ("image", "EXPOSE without the backend's port",
     lambda w: edit_dockerfile(w, "EXPOSE 8080 9090", "EXPOSE 8080")),
    ("dockerfile", "FROM ubuntu",
     lambda w: edit_dockerfile(w, "FROM debian:bookworm-slim", "FROM ubuntu:22.04")),
    ("dockerfile", "curl piped into sh",
     lambda w: edit_dockerfile(w, RUNTIME, "RUN curl -fsSL https://example.org/i.sh | sh\n" + RUNTIME)),
    ("dockerfile", "pip install",
     lambda w: edit_dockerfile(w, RUNTIME, "RUN pip3 install pyyaml\n" + RUNTIME)),
    ("dockerfile", "a -dev package in the runtime stage",
     lambda w: edit_dockerfile(w, "thrift-compiler \\", "thrift-compiler libthrift-dev \\")),
    ("dockerfile", "the build without scripts/setup.sh",
     lambda w: setattr(w, "dockerfile", w.dockerfile.replace("scripts/setup.sh", "make"))),
    ("idl", "[idl] file relative to the working directory",
     lambda w: edit_config(w, 'file="/usr/local/share/actorgate/apps/compute.thrift"',
                           'file="apps/compute.thrift"')),
    ("idl", "no /tmp volume on a read-only root",
     lambda w: gateway(w)[2].update(volumeMounts=[m for m in gateway(w)[2]["volumeMounts"]
                                                  if m["mountPath"] != "/tmp"])),
    ("idl", "no thrift-compiler in the runtime stage",
     lambda w: edit_dockerfile(w, "      thrift-compiler \\", "      \\")),
    ("programs", "drain-delay without a unit (the program refuses it)",
     lambda w: set_arg(gateway(w)[2], "http.drain-delay", "5")),
    ("programs", "a pool-size out of range",
     lambda w: edit_config(w, "pool-size=2", "pool-size=0")),
    ("runtime-libs", "libpugixml1v5 not installed",
     lambda w: edit_dockerfile(w, "libspdlog1.10 libpugixml1v5 ", "libspdlog1.10 ")),
    ("runtime-libs", "curl installed in the runtime stage",
     lambda w: edit_dockerfile(w, "      thrift-compiler \\", "      thrift-compiler curl \\")),
    ("docs", "a metric that does not exist",
     lambda w: edit_doc(w, "## The files in deploy/",
                        "actorgate_pool_endpoint_exhausted_total\n\n## The files in deploy/")),
    ("docs", "HAProxy checking /health",
     lambda w: edit_doc(w, "option httpchk GET /ready", "option httpchk GET /health")),
]


def self_test(binaries):
    base = World(binaries)
    failed = False
    for name, problems in run_checks(base).items():
        if problems:
            print(f"FAIL  the files as they are already break {name}: {problems}")
            failed = True
    covered = set()
    for name, what, f in BREAKS:
        w = copy.deepcopy(base)
        try:
            f(w)
        except Problem as e:
            print(f"FAIL  {name}: cannot break it ({what}): {e}")
            failed = True
            continue
        problems = run_checks(w, only=name)[name]
        if problems is None:
            print(f"skip  {name}: {what} (needs the programs, readelf, ldd and dpkg)")
            covered.add(name)
        elif problems:
            print(f"ok    {name}: {what} -> {problems[0]}")
            covered.add(name)
        else:
            print(f"FAIL  {name}: {what} passed the check")
            failed = True
    for name, _, _ in CHECKS:
        if name not in covered:
            print(f"FAIL  {name}: nothing breaks it in the self-test")
            failed = True
    return 1 if failed else 0


def main(argv):
    binaries, selftest, i = {}, False, 0
    while i < len(argv):
        if argv[i] == "--self-test":
            selftest = True
        elif argv[i] in ("--gateway", "--backend") and i + 1 < len(argv):
            binaries[GATEWAY if argv[i] == "--gateway" else BACKEND] = argv[i + 1]
            i += 1
        else:
            raise SystemExit(__doc__)
        i += 1
    if binaries and len(binaries) != 2:
        raise SystemExit("check_manifests.py: give both --gateway and --backend, or neither")
    if selftest:
        return self_test(binaries)
    failed = False
    for (name, what, _), problems in zip(CHECKS, run_checks(World(binaries)).values()):
        if problems is None:
            print(f"skip  {name}: {what} (needs the programs, readelf, ldd and dpkg)")
        elif problems:
            failed = True
            for p in problems:
                print(f"FAIL  {name}: {p}")
        else:
            print(f"ok    {name}: {what}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
