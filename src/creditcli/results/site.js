"use strict";
// The 公示 page's verifier (publicity site): checks one entity's 抽取凭证 (creditcli.draw-proof/2) against
// the public certificate embedded in this page, in the browser, with WebCrypto SHA-256 only. The same
// checks as tools/verify_draw.py --proof: path to the class's root, ticket, threshold, the public list.
(function () {
  const data = JSON.parse(document.getElementById("site-data").textContent);
  const cert = data.certificate;
  const input = document.getElementById("proof-file");
  const verdict = document.getElementById("verdict");
  const details = document.getElementById("proof-details");
  const enc = new TextEncoder();
  const HEX64 = /^[0-9a-f]{64}$/;
  const SALT = /^[0-9a-f]{32}$/;
  const TICKET = /^0\.[0-9]{64,80}$/;
  const FRACTION = /^[0-9]+(\/[0-9]+)?$/;

  class Rejected extends Error {}

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }
  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function unhex(text) {
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
    return out;
  }
  function join(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
  const leafHash = (bytes) => sha256(join(Uint8Array.of(0), bytes));
  const nodeHash = (left, right) => sha256(join(Uint8Array.of(1), left, right));

  // RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null if it cannot be one.
  async function rootFromPath(leaf, index, n, path) {
    if (!(index >= 0 && index < n)) return null;
    let fn = index;
    let sn = n - 1;
    let r = leaf;
    for (const p of path) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        if (fn % 2 === 0) {
          while (fn > 0 && fn % 2 === 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  // domain.md §8: "0." + reversed(format(int(sha256_hex(sha256_hex(seed) + id), 16), "064d")).
  async function ticket(seed, id) {
    const seedHash = hex(await sha256(enc.encode(seed)));
    const h = BigInt("0x" + hex(await sha256(enc.encode(seedHash + id))));
    return "0." + h.toString().padStart(64, "0").split("").reverse().join("");
  }
  // Tickets compared as numbers: the digits after "0.", padded (draw/tickets.py ticket_sort_key).
  const ticketKey = (t) => t.slice(2).padEnd(80, "0");

  function need(ok, reason) {
    if (!ok) throw new Rejected(reason);
  }
  function isCount(v) {
    return Number.isInteger(v) && v >= 0;
  }

  function checkShape(p) {
    need(p !== null && typeof p === "object" && !Array.isArray(p), "文件内容不是抽取凭证（应为一个 JSON 对象）");
    need(p.schema === "creditcli.draw-proof/2", `文件不是第 2 版抽取凭证（schema 为 ${JSON.stringify(p.schema)}）`);
    need(
      p.algorithm === cert.algorithm && p.algorithm_version === 2,
      `凭证所写的算法（${JSON.stringify(p.algorithm)} 第 ${JSON.stringify(p.algorithm_version)} 版）不是本页抽取所用的第 2 版算法`,
    );
    need(typeof p.uscc === "string" && p.uscc.length > 0, "凭证缺少统一社会信用代码（uscc）");
    need(typeof p.risk_class === "string", "凭证缺少信用风险分类（risk_class）");
    need(typeof p.salt === "string" && SALT.test(p.salt), "凭证中的盐值（salt）不是 32 位小写十六进制数");
    need(isCount(p.leaf_index), "凭证中的叶子序号（leaf_index）不是非负整数");
    need(isCount(p.n) && p.n > 0, "凭证中的该类户数（n）不是正整数");
    need(Array.isArray(p.audit_path), "凭证中的审计路径（audit_path）不是列表");
    p.audit_path.forEach((h, i) =>
      need(typeof h === "string" && HEX64.test(h), `凭证中审计路径的第 ${i + 1} 项不是 64 位小写十六进制数`),
    );
    need(typeof p.root === "string" && HEX64.test(p.root), "凭证中的根哈希（root）不是 64 位小写十六进制数");
    need(typeof p.ticket === "string" && TICKET.test(p.ticket), "凭证中的签号（ticket）不是“0.”加 64 位以上数字");
    need(typeof p.selected === "boolean", "凭证中的“是否抽中”（selected）不是 true 或 false");
    need(typeof p.seed === "string", "凭证缺少随机种子（seed）");
  }

  function sameDraw(p) {
    const task = p.task && typeof p.task === "object" ? p.task.code : undefined;
    need(task === cert.task.code, `凭证属于任务 ${task}，不是本页的任务 ${cert.task.code}`);
    need(p.draw_seq === cert.draw_seq, `凭证属于第 ${p.draw_seq} 次抽取，本页公示的是第 ${cert.draw_seq} 次抽取`);
    need(p.seed === cert.seed, "凭证中的随机种子与本页公示的种子不同");
    need(p.mode === cert.mode, "凭证中的抽取方式与本页证书不同");
    const stratum = cert.strata.find((s) => s.risk_class === p.risk_class);
    need(stratum !== undefined, `本页证书中没有凭证所写的分类 ${p.risk_class}`);
    need(p.root === stratum.root, `凭证中的根哈希与本页证书公布的 ${p.risk_class} 类根哈希不同`);
    need(p.n === stratum.n, `凭证中的该类户数 ${p.n} 与本页证书的 ${p.risk_class} 类户数 ${stratum.n} 不同`);
    need(p.k === stratum.k, `凭证中的该类抽取数与本页证书的 ${p.risk_class} 类抽取数 ${stratum.k} 不同`);
    return stratum;
  }

  // p/q as the double nearest to it, as Python's float(Fraction(p, q)) gives it. Number(p) / Number(q)
  // is that only while p and q are below 2^53; beyond, the quotient is taken in integers with at least
  // 66 significant bits and a sticky bit, which Number() then rounds correctly (0 < p < q here).
  function ratio(p, q) {
    const exact = 2n ** 53n;
    if (p < exact && q < exact) return Number(p) / Number(q);
    const shift = BigInt(Math.max(0, q.toString(2).length - p.toString(2).length + 66));
    const scaled = p << shift;
    const bits = ((scaled / q) << 1n) | (scaled % q === 0n ? 0n : 1n);
    return Number(bits) / 2 ** Number(shift + 1n);
  }

  // Stratified: selected ⇔ ticket ≤ t_c. Weighted: selected ⇔ λ = 1 or key ≤ threshold_key (IEEE doubles).
  function decide(p, stratum) {
    if (cert.mode === "weighted") {
      need(typeof p.lambda === "string" && FRACTION.test(p.lambda), "凭证中的入样概率（lambda）不是 p/q 形式");
      need(p.lambda === stratum.lambda, `凭证中的入样概率与本页证书的 ${p.risk_class} 类入样概率不同`);
      need(p.threshold_key === cert.threshold_key, "凭证中的排序键门槛（threshold_key）与本页证书不同");
      const [num, den = "1"] = p.lambda.split("/");
      need(BigInt(den) > 0n, "凭证中的入样概率（lambda）分母为 0");
      if (BigInt(num) === BigInt(den)) return { selected: true, how: "该类入样概率为 1，必然抽中" };
      const lam = ratio(BigInt(num), BigInt(den));
      const x = Number(p.ticket);
      const key = x / (1 - x) / (lam / (1 - lam));
      if (cert.threshold_key === null) return { selected: false, how: `排序键 ${key} 之下没有按概率抽中的对象` };
      const bound = Number(cert.threshold_key);
      const chosen = key <= bound;
      return { selected: chosen, how: `排序键 ${key} ${chosen ? "不大于" : "大于"}门槛 ${cert.threshold_key}` };
    }
    need(p.threshold === stratum.threshold, `凭证中的门槛与本页证书公布的 ${p.risk_class} 类门槛不同`);
    if (stratum.threshold === null) return { selected: false, how: "该类本次抽取数为 0" };
    const chosen = ticketKey(p.ticket) <= ticketKey(stratum.threshold);
    const cmp = chosen ? "不大于" : "大于";
    return { selected: chosen, how: `签号 ${p.ticket.slice(0, 14)}… ${cmp}该类门槛 ${stratum.threshold.slice(0, 14)}…` };
  }

  async function check(p) {
    checkShape(p);
    const stratum = sameDraw(p);
    const leaf = await leafHash(enc.encode(`${p.uscc}|${p.risk_class}|${p.salt}`));
    const found = await rootFromPath(leaf, p.leaf_index, p.n, p.audit_path.map(unhex));
    need(
      found !== null && hex(found) === stratum.root,
      `审计路径不能由该户的代码、分类和盐值推到本页证书公布的 ${p.risk_class} 类根哈希（凭证被改动过，或不是本次抽取的凭证）`,
    );
    const computed = await ticket(cert.seed, `${p.uscc}|${p.salt}`);
    need(computed === p.ticket, "由公示的种子和该户的代码、盐值算出的签号与凭证所写的签号不同");
    const fate = decide(p, stratum);
    need(
      fate.selected === p.selected,
      `凭证写着该户${p.selected ? "被" : "未被"}抽中，但${fate.how}，应为${fate.selected ? "抽中" : "未抽中"}`,
    );
    const entry = cert.selected.find((s) => s.uscc === p.uscc);
    const listed = entry !== undefined;
    need(
      listed === p.selected,
      `凭证写着该户${p.selected ? "被" : "未被"}抽中，但本页公示的抽查名单中${listed ? "有" : "没有"}该户`,
    );
    // The name as this page lists it: the proof's own name field is not part of what is checked.
    const who = listed ? `${entry.name}（${p.uscc}）` : `统一社会信用代码为 ${p.uscc} 的检查对象`;
    return `核验通过：${who}属于 ${p.risk_class} 类，在掷骰前公布的该类根哈希之下，${fate.how}，因此${
      p.selected ? "被抽中" : "未被抽中"
    }，与本页公示的抽查名单一致。`;
  }

  function show(outcome, text, proof) {
    verdict.textContent = text;
    verdict.dataset.outcome = outcome;
    details.replaceChildren();
    if (proof && typeof proof === "object" && proof.schema === "creditcli.draw-proof/2") {
      const rows = [
        ["统一社会信用代码", proof.uscc],
        ["名称", proof.name],
        ["信用风险分类（仅见于本户凭证）", proof.risk_class],
        ["签号", proof.ticket],
        ["该类门槛", cert.mode === "weighted" ? proof.threshold_key : proof.threshold],
        ["叶子序号 / 该类户数", `${proof.leaf_index} / ${proof.n}`],
        ["是否抽中（凭证所写）", proof.selected === true ? "是" : proof.selected === false ? "否" : ""],
      ];
      for (const [label, value] of rows) {
        const tr = details.insertRow();
        const th = document.createElement("th");
        th.textContent = label;
        tr.appendChild(th);
        tr.insertCell().textContent = value === undefined || value === null ? "" : String(value);
      }
    }
    details.hidden = !details.rows.length;
  }

  async function open(file) {
    if (cert.algorithm_version !== 2) {
      show("unsupported", "本次抽取使用第 1 版算法，只有第 2 版算法的抽取才有逐户抽取凭证，本页无法核验凭证。");
      return;
    }
    let proof;
    try {
      proof = JSON.parse(await file.text());
    } catch (e) {
      show("rejected", `未通过核验：文件 ${file.name} 不是有效的 JSON，不是抽取凭证。`);
      return;
    }
    try {
      show("verified", await check(proof), proof);
    } catch (e) {
      if (!(e instanceof Rejected)) throw e;
      show("rejected", `未通过核验：${e.message}。`, proof);
    }
  }

  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    if (!file) return;
    input.value = ""; // the same file chosen again is checked again
    verdict.dataset.outcome = "working";
    verdict.textContent = "正在核验……";
    open(file).catch((e) => show("error", `核验时出错：${e && e.message ? e.message : e}。`));
  });
  verdict.dataset.outcome = "ready";
})();
