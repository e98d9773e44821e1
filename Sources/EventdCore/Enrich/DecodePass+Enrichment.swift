/// Web enrichment columns (user_agent … is_bot), read from the slots the strict scan recorded in
/// `context` / `context.page` / `context.campaign` / `context.location` / `properties`, with the
/// batch-level context and then request-level values as fallbacks.
extension DecodePass {
    /// The event's context slot, else the batch context's.
    @inline(__always) func contextValue(_ s: EventSlot) -> JSONValueRef {
        let v = e(s)
        return v.isPresent ? v : b(s)
    }

    @inline(__always) func stringText(_ v: JSONValueRef) -> TextSpan? {
        v.kind == .string && v.contentCount > 0 ? text(v) : nil
    }

    /// Appends columns 17–31, each preceded by its tab.
    func appendEnrichment() {
        let out = events

        // user_agent, browser, os, device_type
        var ua = stringText(contextValue(.contextUserAgent))
        if ua == nil, scratch.hasRequestUA, scratch.requestUA.count > 0 {
            ua = TextSpan(p: scratch.constants + scratch.requestUA.lowerBound, n: scratch.requestUA.count)
        }
        var isBot = false
        out.tab()
        if let ua {
            out.appendEscaped(ua.p, ua.n)
            let info = classify(ua)
            isBot = info.isBot
            out.tab(); if let b = info.browser { out.append(b) } else { out.null() }
            out.tab(); if let o = info.os { out.append(o) } else { out.null() }
            out.tab(); out.append(info.deviceType)
        } else {
            out.null(); out.tab(); out.null(); out.tab(); out.null(); out.tab(); out.null()
        }

        // country: two letters, uppercased
        out.tab()
        let c = contextValue(.locationCountry)
        if c.kind == .string, !c.hasEscapes, c.contentCount == 2,
           base[c.contentStart] | 0x20 &- 0x61 < 26, base[c.contentStart + 1] | 0x20 &- 0x61 < 26 {
            let d = out.reserve(2)
            d[0] = base[c.contentStart] & 0xDF
            d[1] = base[c.contentStart + 1] & 0xDF
            out.advance(2)
        } else if scratch.hasRequestCountry {
            let p = scratch.constants + scratch.requestCountry.lowerBound
            let d = out.reserve(2)
            d[0] = p[0] & 0xDF
            d[1] = p[1] & 0xDF
            out.advance(2)
        } else {
            out.null()
        }

        // page_url, page_path, referrer
        var urlRef = contextValue(.pageURL)
        if !urlRef.isPresent { urlRef = e(.propertiesURL) }
        let url = stringText(urlRef)
        out.tab(); column(url)
        out.tab()
        var pathRef = contextValue(.pagePath)
        if !pathRef.isPresent { pathRef = e(.propertiesPath) }
        if let path = stringText(pathRef) {
            out.appendEscaped(path.p, path.n)
        } else if let url, let r = PageURL.path(url.p, url.n) {
            out.appendEscaped(url.p + r.lowerBound, r.count)
        } else {
            out.null()
        }
        var refRef = contextValue(.pageReferrer)
        if !refRef.isPresent { refRef = e(.propertiesReferrer) }
        out.tab(); column(stringText(refRef))

        // utm_* from context.campaign, else from the page URL's query; click id from the query.
        var query: (Range<Int>?, Range<Int>?, Range<Int>?, Range<Int>?, Range<Int>?, Range<Int>?) = (nil, nil, nil, nil, nil, nil)
        if let url { PageURL.queryFields(url.p, url.n, into: &query) }
        func utm(_ slot: EventSlot, _ r: Range<Int>?) {
            out.tab()
            if let t = stringText(contextValue(slot)) {
                out.appendEscaped(t.p, t.n)
            } else if let r, let url {
                queryValue(url, r)
            } else {
                out.null()
            }
        }
        utm(.campaignSource, query.0)
        utm(.campaignMedium, query.1)
        utm(.campaignName, query.2)
        utm(.campaignTerm, query.3)
        utm(.campaignContent, query.4)
        out.tab()
        if let r = query.5, let url { queryValue(url, r) } else { out.null() }

        out.tab()
        out.append(isBot ? 0x74 : 0x66)
    }

    /// A query value, percent-decoded when that gives valid text, else raw.
    private func queryValue(_ url: TextSpan, _ r: Range<Int>) {
        // Without `%` or `+` decoding changes nothing, and the value is valid text already (a slice
        // at ASCII delimiters of a validated JSON string, which never holds NUL): written as is.
        if PageURL.firstOf(url.p, r.lowerBound, r.upperBound, 0x25, 0x2B, 0x2B) == r.upperBound {
            return events.appendEscaped(url.p + r.lowerBound, r.count)
        }
        let dst = scratch.takeText(r.count)
        if let n = PageURL.percentDecode(url.p + r.lowerBound, r.count, into: dst) {
            events.appendEscaped(dst, n)
        } else {
            events.appendEscaped(url.p + r.lowerBound, r.count)
        }
    }

    /// Classifies a user agent, reusing an earlier answer when the bytes repeat one of the last few.
    private func classify(_ ua: TextSpan) -> UserAgentInfo {
        let counts = scratch.uaCacheCounts
        let size = DecoderScratch.uaCacheSize, entryBytes = DecoderScratch.uaCacheEntryBytes
        for k in 0..<size where counts[k] == ua.n {
            if memcmpEqual(ua.p, scratch.uaCacheBytes + k * entryBytes, ua.n) { return scratch.uaCacheInfos[k] }
        }
        let info = UserAgentClassifier.classify(ua.p, count: ua.n, lowercaseScratch: scratch.lowercase)
        if ua.n <= entryBytes {
            let k = scratch.uaCacheNext
            (scratch.uaCacheBytes + k * entryBytes).update(from: ua.p, count: ua.n)
            counts[k] = ua.n
            scratch.uaCacheInfos[k] = info
            scratch.uaCacheNext = (k + 1) % size
        }
        return info
    }
}
