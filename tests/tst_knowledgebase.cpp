// The knowledge base: completeness against the registries, and validation of broken files.
#include "kb/knowledgebase.h"

#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace smtpscope::core;

namespace {

const QStringList kRegistryCodes = { u"X.0.0"_qs, u"X.1.0"_qs, u"X.1.1"_qs, u"X.1.2"_qs, u"X.1.3"_qs, u"X.1.4"_qs,
    u"X.1.5"_qs, u"X.1.6"_qs, u"X.1.7"_qs, u"X.1.8"_qs, u"X.1.9"_qs, u"X.1.10"_qs, u"X.2.0"_qs, u"X.2.1"_qs,
    u"X.2.2"_qs, u"X.2.3"_qs, u"X.2.4"_qs, u"X.3.0"_qs, u"X.3.1"_qs, u"X.3.2"_qs, u"X.3.3"_qs, u"X.3.4"_qs, u"X.3.5"_qs,
    u"X.3.6"_qs, u"X.4.0"_qs, u"X.4.1"_qs, u"X.4.2"_qs, u"X.4.3"_qs, u"X.4.4"_qs, u"X.4.5"_qs, u"X.4.6"_qs, u"X.4.7"_qs,
    u"X.5.0"_qs, u"X.5.1"_qs, u"X.5.2"_qs, u"X.5.3"_qs, u"X.5.4"_qs, u"X.5.5"_qs, u"X.5.6"_qs, u"X.6.0"_qs, u"X.6.1"_qs,
    u"X.6.2"_qs, u"X.6.3"_qs, u"X.6.4"_qs, u"X.6.5"_qs, u"X.6.6"_qs, u"X.6.7"_qs, u"X.6.8"_qs, u"X.6.9"_qs,
    u"X.6.10"_qs, u"X.7.0"_qs, u"X.7.1"_qs, u"X.7.2"_qs, u"X.7.3"_qs, u"X.7.4"_qs, u"X.7.5"_qs, u"X.7.6"_qs,
    u"X.7.7"_qs, u"X.7.8"_qs, u"X.7.9"_qs, u"X.7.10"_qs, u"X.7.11"_qs, u"X.7.12"_qs, u"X.7.13"_qs, u"X.7.14"_qs,
    u"X.7.15"_qs, u"X.7.16"_qs, u"X.7.17"_qs, u"X.7.18"_qs, u"X.7.19"_qs, u"X.7.20"_qs, u"X.7.21"_qs, u"X.7.22"_qs,
    u"X.7.23"_qs, u"X.7.24"_qs, u"X.7.25"_qs, u"X.7.26"_qs, u"X.7.27"_qs, u"X.7.28"_qs, u"X.7.29"_qs, u"X.7.30"_qs };

const QList<int> kReplyCodes = { 211, 214, 220, 221, 235, 250, 251, 252, 253, 334, 354, 355, 421, 422, 432, 450, 451,
    452, 453, 454, 455, 458, 459, 500, 501, 502, 503, 504, 521, 523, 524, 525, 530, 533, 534, 535, 538, 550, 551, 552,
    553, 554, 555, 556 };

QByteArray minimalRule(const char *id, const char *pattern, const char *extra = "")
{
    return QByteArray(R"({"format": "smtpscope-kb", "version": 1, "rules": [{"id": ")") + id + R"(", "pattern": ")"
        + pattern + R"(", "reason": "speeding", "action": "retry-backoff",
           "retry": "fast-backoff", "meaning": "m", "advice": "a")"
        + extra + "}]}";
}

KbLoadResult loadWithUserFile(const QByteArray &contents)
{
    QList<KbSource> sources = KnowledgeBase::builtInSources();
    sources.append({ u"user.json"_qs, contents, true });
    return KnowledgeBase::load(sources);
}

} // namespace

class TestKnowledgeBase : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtInLoads();
    void everyRegistryCodeIsPresent();
    void everyReplyCodeIsPresent();
    void classesAndSubjects();
    void everyEntryIsExplained();
    void retryPolicies();
    void providerRules();
    void genericRulesExist();
    void brokenUserFile_data();
    void brokenUserFile();
    void userRuleReplacesBuiltIn();
    void userRuleFileFromDisk();
    void missingUserFile();
    void patternSetMatchesEachPattern();
};

void TestKnowledgeBase::builtInLoads()
{
    const KbLoadResult result = KnowledgeBase::load(KnowledgeBase::builtInSources());
    QVERIFY2(result.ok(), qPrintable(result.errorText()));
    QVERIFY(KnowledgeBase::builtIn());
    QVERIFY(KnowledgeBase::builtIn()->version().contains(u"+kb."_qs));
}

void TestKnowledgeBase::everyRegistryCodeIsPresent()
{
    const auto kb = KnowledgeBase::builtIn();
    QCOMPARE(kb->data().enhancedCodes.size(), kRegistryCodes.size());
    for (const QString &code : kRegistryCodes) {
        const EnhancedStatus s = EnhancedStatus::fromString(QString(u'5' + code.mid(1)));
        const EnhancedCodeEntry *e = kb->enhancedCode(s.subject, s.detail);
        QVERIFY2(e, qPrintable(code));
        QCOMPARE(e->code, code);
        // A transient form must retry; the hard-bounce reasons belong to the permanent form.
        QVERIFY2(kb->retryPolicy(e->transient.retry)->retry != u"never"_qs, qPrintable(code));
    }
    QVERIFY(kb->enhancedCode(6, 10)->deprecated);
}

void TestKnowledgeBase::everyReplyCodeIsPresent()
{
    const auto kb = KnowledgeBase::builtIn();
    for (int code : kReplyCodes)
        QVERIFY2(kb->replyCode(code), qPrintable(QString::number(code)));
    QCOMPARE(kb->replyCode(421)->outcome.retry, u"fast-backoff"_qs);
    QCOMPARE(kb->replyCode(450)->outcome.retry, u"backoff"_qs);
    QCOMPARE(kb->replyCode(451)->outcome.retry, u"backoff"_qs);
    QCOMPARE(kb->replyCode(452)->outcome.retry, u"slow"_qs);
    QCOMPARE(kb->replyCode(552)->outcome.action, u"fix-content"_qs);
    QCOMPARE(kb->replyCode(530)->outcome.action, u"fix-authentication"_qs);
    QCOMPARE(kb->replyCode(535)->outcome.retry, u"never"_qs);
    QCOMPARE(kb->replyCode(554)->outcome.action, u"investigate"_qs);
}

void TestKnowledgeBase::classesAndSubjects()
{
    const auto kb = KnowledgeBase::builtIn();
    for (int c : { 2, 4, 5 })
        QVERIFY(kb->statusClass(c));
    QVERIFY(!kb->statusClass(3));
    for (int s = 0; s <= 7; ++s)
        QVERIFY2(kb->subject(s), qPrintable(QString::number(s)));
}

void TestKnowledgeBase::everyEntryIsExplained()
{
    const auto kb = KnowledgeBase::builtIn();
    for (const auto &e : kb->data().replyCodes)
        QVERIFY2(e.meaning.size() > 20 && !e.outcome.advice.isEmpty(), qPrintable(QString::number(e.code)));
    for (const auto &e : kb->data().enhancedCodes)
        QVERIFY2(e.meaning.size() > 20 && !e.transient.advice.isEmpty() && !e.permanent.advice.isEmpty(),
            qPrintable(e.code));
    for (const auto &e : kb->data().rules)
        QVERIFY2(!e.meaning.isEmpty() && !e.outcome.advice.isEmpty(), qPrintable(e.id));
}

void TestKnowledgeBase::retryPolicies()
{
    const auto kb = KnowledgeBase::builtIn();
    const RetryPolicy *fast = kb->retryPolicy(u"fast-backoff"_qs);
    QVERIFY(fast);
    QCOMPARE(fast->scheduleSeconds, (QList<qint64> { 60, 300, 900, 3600, 14400 }));
    QCOMPARE(fast->retry, u"backoff"_qs);
    QCOMPARE(kb->retryPolicy(u"backoff"_qs)->scheduleSeconds.mid(0, 3), (QList<qint64> { 300, 1800, 7200 }));
    QCOMPARE(kb->retryPolicy(u"slow"_qs)->scheduleSeconds, (QList<qint64> { 3600, 21600, 86400 }));
    QCOMPARE(kb->retryPolicy(u"slow"_qs)->retry, u"slow"_qs);
    QVERIFY(kb->retryPolicy(u"never"_qs)->scheduleSeconds.isEmpty());
    for (const auto &p : kb->data().retryPolicies)
        if (p.retry != u"never"_qs)
            QVERIFY2(p.giveUpAfterSeconds >= 24 * 3600 && p.giveUpAfterSeconds <= 72 * 3600, qPrintable(p.id));
}

void TestKnowledgeBase::providerRules()
{
    const auto kb = KnowledgeBase::builtIn();
    const QRegularExpression url(u"^https?://[^\\s/]+\\.[^\\s]+$"_qs);
    QSet<QString> providersWithRules;
    int providerRules = 0;
    for (const RuleEntry &rule : kb->data().rules) {
        if (rule.provider.isEmpty())
            continue;
        ++providerRules;
        providersWithRules.insert(rule.provider);
        QVERIFY2(kb->provider(rule.provider), qPrintable(rule.id));
        QVERIFY2(url.match(rule.source).hasMatch(), qPrintable(rule.id + u": "_qs + rule.source));
        PatternSet single;
        QString error;
        QVERIFY2(single.add(rule.pattern, &error) == 0, qPrintable(rule.id + u": "_qs + error));
    }
    QVERIFY2(providerRules >= 150, qPrintable(QString::number(providerRules)));
    QVERIFY2(providersWithRules.size() >= 10, qPrintable(QString::number(providersWithRules.size())));
    for (const QString &id : { u"gmail"_qs, u"microsoft365"_qs, u"outlookcom"_qs, u"yahoo"_qs, u"apple"_qs,
             u"mimecast"_qs, u"proofpoint"_qs, u"orange"_qs, u"gmx"_qs, u"comcast"_qs })
        QVERIFY2(providersWithRules.contains(id), qPrintable(id));
    for (const ProviderEntry &p : kb->data().providers)
        QVERIFY2(!p.hosts.isEmpty() || !p.domains.isEmpty() || !p.markers.isEmpty(), qPrintable(p.id));
}

void TestKnowledgeBase::genericRulesExist()
{
    const auto kb = KnowledgeBase::builtIn();
    const auto generic = std::count_if(
        kb->data().rules.cbegin(), kb->data().rules.cend(), [](const RuleEntry &r) { return r.provider.isEmpty(); });
    QVERIFY2(generic >= 60, qPrintable(QString::number(generic)));
}

void TestKnowledgeBase::brokenUserFile_data()
{
    QTest::addColumn<QByteArray>("contents");
    QTest::addColumn<QString>("expected");
    QTest::addRow("not JSON") << QByteArray("{\n  \"format\": \"smtpscope-kb\",\n  oops\n}")
                              << u"user.json: not valid JSON at byte 33 (line 3)"_qs;
    QTest::addRow("not an object") << QByteArray("[1, 2]") << u"user.json: the file must hold one JSON object"_qs;
    QTest::addRow("wrong format") << QByteArray(R"({"format": "other", "version": 1})")
                                  << u"\"format\" must be \"smtpscope-kb\""_qs;
    QTest::addRow("future version") << QByteArray(R"({"format": "smtpscope-kb", "version": 2})")
                                    << u"\"version\" must be 1"_qs;
    QTest::addRow("unknown top-level key")
        << QByteArray(R"({"format": "smtpscope-kb", "version": 1, "rulez": []})") << u"unknown key \"rulez\""_qs;
    QTest::addRow("bad regex") << minimalRule("mine.bad", "user (unknown")
                               << u"user.json: rules (mine.bad): the pattern does not compile in RE2"_qs;
    QTest::addRow("look-around is not RE2") << minimalRule("mine.lookahead", "user(?= unknown)")
                                            << u"rules (mine.lookahead): the pattern does not compile in RE2"_qs;
    QTest::addRow("unknown key in a rule") << minimalRule("mine.key", "x", R"(, "colour": "red")")
                                           << u"user.json: rules[0] (mine.key): unknown key \"colour\""_qs;
    QTest::addRow("unknown reason")
        << minimalRule("mine.reason", "x", R"(, "provider": "gmail", "source": "s")").replace("speeding", "slowness")
        << u"rules (mine.reason): reason \"slowness\" is not in the vocabulary"_qs;
    QTest::addRow("unknown provider") << minimalRule("mine.prov", "x", R"(, "provider": "nosuch", "source": "s")")
                                      << u"rules (mine.prov): provider \"nosuch\" is not defined"_qs;
    QTest::addRow("provider rule without source")
        << minimalRule("mine.src", "x", R"(, "provider": "gmail")") << u"rules[0] (mine.src): missing \"source\""_qs;
    QTest::addRow("missing pattern") << QByteArray(
        R"({"format": "smtpscope-kb", "version": 1, "rules": [{"id": "mine.np", "reason": "speeding",
             "action": "retry-backoff", "retry": "fast-backoff", "meaning": "m", "advice": "a"}]})")
                                     << u"rules[0] (mine.np): missing \"pattern\""_qs;
    QTest::addRow("bad status") << minimalRule("mine.st", "x", R"(, "statuses": ["5.7"])")
                                << u"\"5.7\" in \"statuses\" is not an enhanced code"_qs;
}

void TestKnowledgeBase::brokenUserFile()
{
    QFETCH(QByteArray, contents);
    QFETCH(QString, expected);
    const KbLoadResult result = loadWithUserFile(contents);
    QVERIFY(!result.ok());
    QVERIFY2(result.errorText().contains(expected), qPrintable(result.errorText()));
}

void TestKnowledgeBase::userRuleReplacesBuiltIn()
{
    const auto builtIn = KnowledgeBase::builtIn();
    QVERIFY(!builtIn->data().rules.isEmpty());
    const QByteArray id = builtIn->data().rules.first().id.toUtf8();
    const KbLoadResult result = loadWithUserFile(minimalRule(id.constData(), "replaced pattern"));
    QVERIFY2(result.ok(), qPrintable(result.errorText()));
    QCOMPARE(result.kb->data().rules.size(), builtIn->data().rules.size());
    QCOMPARE(result.kb->rule(QString::fromUtf8(id))->pattern, u"replaced pattern"_qs);
    QVERIFY(result.kb->version() != builtIn->version());
}

void TestKnowledgeBase::userRuleFileFromDisk()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile file(dir.filePath(u"extra.json"_qs));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(minimalRule("mine.slowdown", "slow down, cowboy"));
    file.close();
    const KbLoadResult result = KnowledgeBase::load(QStringList { file.fileName() });
    QVERIFY2(result.ok(), qPrintable(result.errorText()));
    const RuleMatch m = result.kb->match(u"Please slow down, cowboy!"_qs, 4, {}, {});
    QVERIFY(m.rule);
    QCOMPARE(m.rule->id, u"mine.slowdown"_qs);
    QCOMPARE(m.matchedWords(), u"slow down, cowboy"_qs);
}

void TestKnowledgeBase::missingUserFile()
{
    const KbLoadResult result = KnowledgeBase::load(QStringList { u"/nonexistent/rules.json"_qs });
    QVERIFY(!result.ok());
    QVERIFY2(result.errorText().startsWith(u"/nonexistent/rules.json: cannot read the file"_qs),
        qPrintable(result.errorText()));
}

void TestKnowledgeBase::patternSetMatchesEachPattern()
{
    // matchAll (prefiltered; every pattern run on its own for invalid UTF-8; cached per text) finds exactly the
    // patterns that match one by one, whatever the case of the text.
    const auto kb = KnowledgeBase::builtIn();
    PatternSet set;
    QString error;
    for (const RuleEntry &rule : kb->data().rules)
        QVERIFY2(set.add(rule.pattern, &error) >= 0, qPrintable(rule.id + u": "_qs + error));
    set.compile();
    QStringList texts = {
        u"550 5.1.1 <a@example.com>: Recipient address rejected: User unknown in virtual mailbox table"_qs,
        u"452 4.2.2 The email account that you tried to reach is over quota"_qs,
        u"421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints"_qs,
        u"554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"_qs,
        u"450 4.7.1 Greylisted, please try again later"_qs, u"Mailbox full, quota exceeded"_qs,
        u"550 Benutzer unbekannt / Ungültige Adresse"_qs, u"メールボックスが見つかりません user unknown"_qs, QString(),
        // Characters RE2 folds with ASCII letters (long s, Kelvin sign) and Greek sigmas: the prefilter must not
        // lose a match that their folding gives.
        u"550 5.1.1 uſer unknown, mailbox ſize exceeded"_qs, u"\u212Aein Postfach, mailbox unavailable"_qs,
        u"ΣΦΆΛΜΑ ς σ: mailbox full"_qs, u"552 MAILBOX FULL – Ü"_qs
    };
    for (const RuleEntry &rule : kb->data().rules)
        texts << rule.meaning << rule.outcome.advice;
    for (qsizetype i = 0, n = texts.size(); i < n; ++i)
        texts << texts.at(i).toUpper() << texts.at(i) + u" é"_qs;
    int matched = 0;
    for (const QString &text : std::as_const(texts)) {
        const QByteArray utf8 = text.toUtf8();
        QList<int> expected;
        for (int i = 0; i < set.size(); ++i) {
            if (set.matches(i, utf8))
                expected.append(i);
        }
        QCOMPARE(set.matchAll(utf8), expected);
        QCOMPARE(set.matchAll(utf8), expected); // a text seen before comes from the cache
        matched += expected.isEmpty() ? 0 : 1;
    }
    QVERIFY2(matched > texts.size() / 4, qPrintable(QString::number(matched)));
    // Bytes that are not UTF-8 at all.
    const QByteArray invalid = QByteArray("550 5.1.1 user unknown \xff\xfe mailbox full");
    QList<int> expected;
    for (int i = 0; i < set.size(); ++i) {
        if (set.matches(i, invalid))
            expected.append(i);
    }
    QVERIFY(!expected.isEmpty());
    QCOMPARE(set.matchAll(invalid), expected);
}

QTEST_GUILESS_MAIN(TestKnowledgeBase)
#include "tst_knowledgebase.moc"
