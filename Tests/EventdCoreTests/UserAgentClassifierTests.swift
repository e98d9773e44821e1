import Testing
@testable import EventdCore

@Suite struct UserAgentClassifierTests {
    func c(_ ua: String) -> (String?, String?, String, Bool) {
        let i = UserAgentClassifier.classify(ua)
        return (i.browser?.description, i.os?.description, i.deviceType.description, i.isBot)
    }

    @Test func classifiesCommonBrowsers() {
        #expect(c("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36") == ("Chrome", "Windows", "desktop", false))
        #expect(c("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51") == ("Edge", "Windows", "desktop", false))
        #expect(c("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0") == ("Firefox", "macOS", "desktop", false))
        #expect(c("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15") == ("Safari", "macOS", "desktop", false))
        #expect(c("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/109.0.0.0") == ("Opera", "Linux", "desktop", false))
        #expect(c("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36") == ("Samsung Internet", "Android", "mobile", false))
        #expect(c("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1") == ("Chrome", "iOS", "mobile", false))
    }

    @Test func tellsTabletsFromPhones() {
        #expect(c("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1").2 == "tablet")
        #expect(c("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36").2 == "tablet")
        #expect(c("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36").2 == "mobile")
    }

    @Test func flagsObviousBots() {
        for ua in ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.4.0", "Wget/1.21",
                   "python-requests/2.31.0", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0 Safari/537.36",
                   "Mozilla/5.0 (compatible; bingbot/2.0)", "facebookexternalhit/1.1", "Go-http-client/1.1"] {
            #expect(c(ua).3, "\(ua)")
            #expect(c(ua).2 == "bot")
        }
    }

    @Test func unknownAgentsAreOther() {
        #expect(c("SomethingElse/1.0") == (nil, nil, "other", false))
    }
}
