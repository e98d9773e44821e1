/// The console's one stylesheet, served at `/console/style.css` (the CSP allows `'self'` styles only,
/// so no page carries a `style` attribute or element). Chart colours are the `.s0`…`.s7` classes.
enum ConsoleStyle {
    static let css = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
        header{background:#1d2430;color:#fff;padding:.6em 1.2em}header nav{display:inline;margin-left:1.5em}
        header a{color:#cfd8e3;margin-right:1em;text-decoration:none}header a.here{color:#fff;border-bottom:2px solid #5aa9e6}
        main{padding:1em 1.2em;max-width:1100px}h1{font-size:1.3em;margin:.2em 0 .6em}h2{font-size:1.05em;margin:1.4em 0 .4em}
        section{background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:.6em 1em;margin-bottom:1em}
        table{border-collapse:collapse;margin:.4em 0}td,th{padding:.2em .8em .2em 0;text-align:left;vertical-align:top}
        td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
        .muted{color:#6b7785}.bad{color:#b3261e;font-weight:600}.ok{color:#1e7b34;font-weight:600}
        .raw{font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap;word-break:break-all;max-width:520px}
        svg.chart{width:100%;max-width:720px;height:auto;display:block}
        svg .axis{stroke:#9aa5b1}svg .label{font-size:11px;fill:#4b5563}svg .line{fill:none;stroke-width:2}
        .legend .key{margin-right:1em}.legend .key::before{content:"";display:inline-block;width:.8em;height:.8em;margin-right:.3em}
        .s0{fill:#2f7ed8;stroke:#2f7ed8}.s1{fill:#f28f43;stroke:#f28f43}.s2{fill:#77a1e5;stroke:#77a1e5}.s3{fill:#8bbc21;stroke:#8bbc21}
        .s4{fill:#910000;stroke:#910000}.s5{fill:#1aadce;stroke:#1aadce}.s6{fill:#492970;stroke:#492970}.s7{fill:#c42525;stroke:#c42525}
        .line.s0,.line.s1,.line.s2,.line.s3,.line.s4,.line.s5,.line.s6,.line.s7{fill:none}
        .k0::before{background:#2f7ed8}.k1::before{background:#f28f43}.k2::before{background:#77a1e5}.k3::before{background:#8bbc21}
        .k4::before{background:#910000}.k5::before{background:#1aadce}.k6::before{background:#492970}.k7::before{background:#c42525}
        form label{margin-right:1em}input,select{font:inherit}
        """
}
