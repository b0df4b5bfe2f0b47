// Registrable domains through the Public Suffix List, and address domains.
#include "util/domain.h"

#include <QTest>

using namespace smtpscope::core;
using namespace Qt::StringLiterals;

class TestDomain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void registrable_data();
    void registrable();
    void address_data();
    void address();
};

void TestDomain::registrable_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("expected");
    QTest::addRow("plain") << u"gmail.com"_s << u"gmail.com"_s;
    QTest::addRow("mx host") << u"gmail-smtp-in.l.google.com"_s << u"google.com"_s;
    QTest::addRow("two-label suffix") << u"mx1.mail.yahoo.co.jp"_s << u"yahoo.co.jp"_s;
    QTest::addRow("uk") << u"mx.bbc.co.uk"_s << u"bbc.co.uk"_s;
    QTest::addRow("private suffix") << u"foo.blogspot.com"_s << u"foo.blogspot.com"_s;
    QTest::addRow("case and dot") << u"MTA7.AM0.YahooDNS.NET."_s << u"yahoodns.net"_s;
    QTest::addRow("spaces") << u"  outlook.com "_s << u"outlook.com"_s;
    QTest::addRow("suffix itself") << u"co.uk"_s << QString();
    QTest::addRow("tld") << u"com"_s << QString();
    QTest::addRow("bare name") << u"localhost"_s << QString();
    QTest::addRow("ipv4") << u"192.0.2.1"_s << QString();
    QTest::addRow("ipv6 literal") << u"[IPv6:2001:db8::1]"_s << QString();
    QTest::addRow("empty") << QString() << QString();
}

void TestDomain::registrable()
{
    QFETCH(QString, host);
    QFETCH(QString, expected);
    QCOMPARE(registrableDomain(host), expected);
}

void TestDomain::address_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("expected");
    QTest::addRow("plain") << u"a@Example.COM"_s << u"example.com"_s;
    QTest::addRow("angle") << u"<a@b.example>"_s << u"b.example"_s;
    QTest::addRow("quoted at") << u"\"x@y\"@z.example"_s << u"z.example"_s;
    QTest::addRow("command argument") << u"<a@B.example> SIZE=1234 NOTIFY=FAILURE"_s << u"b.example"_s;
    QTest::addRow("trailing words") << u"a@b.example (expanded)"_s << u"b.example"_s;
    QTest::addRow("none") << u"postmaster"_s << QString();
}

void TestDomain::address()
{
    QFETCH(QString, address);
    QFETCH(QString, expected);
    QCOMPARE(addressDomain(address), expected);
}

QTEST_GUILESS_MAIN(TestDomain)
#include "tst_domain.moc"
