// The workbench's documents driven through real input: drops, clicks, keys and the clipboard.
#include "bounceview.h"
#include "codereferenceview.h"
#include "conversationmodel.h"
#include "conversationview.h"
#include "decodingview.h"
#include "documentloader.h"
#include "documentmodel.h"
#include "documentview.h"
#include "mainwindow.h"
#include "recipientmodel.h"
#include "sourceview.h"

#include "bounce/messagesource.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTreeView>

using namespace smtpscope;
using ui::ConversationModel;
using ui::Document;
using ui::RecipientModel;

namespace {

using Tester = QAbstractItemModelTester;
constexpr auto qtTest = QAbstractItemModelTester::FailureReportingMode::QtTest;

QString fixture(const QString &relative)
{
    return QFINDTESTDATA(QStringLiteral("data/") + relative);
}

/// Drops @p mime on the window as a user would: enter, then drop at the same point.
void drop(QWidget *window, QMimeData *mime)
{
    const QPoint at = window->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent dropEvent(QPointF(at), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(window, &dropEvent);
    QVERIFY(dropEvent.isAccepted());
}

void dropFiles(QWidget *window, const QStringList &paths)
{
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString &p : paths)
        urls.append(QUrl::fromLocalFile(p));
    mime.setUrls(urls);
    drop(window, &mime);
}

void clickRow(QTreeView *view, const QModelIndex &index)
{
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier, view->visualRect(index).center());
}

/// Waits until no document of the window is loading.
bool settled(ui::MainWindow &window)
{
    return QTest::qWaitFor([&] { return window.loader()->runningCount() == 0; }, 10000);
}

} // namespace

class TestWorkbench : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(core::KnowledgeBase::builtIn());
    }

    void cleanup() { QSettings().clear(); }

    void sniffing_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("kind");
        const QString dir = fixture(QStringLiteral("transcripts"));
        QVERIFY(!dir.isEmpty());
        for (const QString &name : QDir(dir).entryList({ QStringLiteral("*.txt") }, QDir::Files, QDir::Name))
            QTest::addRow("%s", qPrintable(name))
                << QStringLiteral("transcripts/") + name << int(Document::Kind::Transcript);
        QTest::addRow("postfix dsn") << QStringLiteral("bounces/eml/postfix-dsn.eml") << int(Document::Kind::Bounce);
        QTest::addRow("qmail") << QStringLiteral("bounces/eml/qmail.eml") << int(Document::Kind::Bounce);
        QTest::addRow("not a bounce, still a message")
            << QStringLiteral("bounces/eml/not-a-bounce.eml") << int(Document::Kind::Bounce);
        QTest::addRow("crlf dsn") << QStringLiteral("messages/dsn-crlf.eml") << int(Document::Kind::Bounce);
        QTest::addRow("mbox") << QStringLiteral("messages/mbox-3") << int(Document::Kind::Bounce);
        QTest::addRow("gui two recipients") << QStringLiteral("gui/two-recipients.eml") << int(Document::Kind::Bounce);
        QTest::addRow("garbage") << QStringLiteral("messages/garbage.bin") << int(Document::Kind::Unrecognised);
        QTest::addRow("empty") << QStringLiteral("messages/empty.eml") << int(Document::Kind::Unrecognised);
    }

    void sniffing()
    {
        QFETCH(QString, file);
        QFETCH(int, kind);
        const QString path = fixture(file);
        QVERIFY2(!path.isEmpty(), qPrintable(file));
        const ui::DocumentPtr doc = ui::DocumentLoader::loadPath(path, core::KnowledgeBase::builtIn());
        QVERIFY(doc);
        QCOMPARE(int(doc->kind), kind);
        QCOMPARE(doc->error.isEmpty(), kind == int(Document::Kind::Transcript) || kind == int(Document::Kind::Bounce));
    }

    void mboxMessages()
    {
        const ui::DocumentPtr doc
            = ui::DocumentLoader::loadPath(fixture(QStringLiteral("messages/mbox-3")), core::KnowledgeBase::builtIn());
        QCOMPARE(doc->messages.size(), 3);
        for (const ui::BounceMessage &m : doc->messages)
            QVERIFY(m.firstLine >= 1 && m.firstLine <= m.lastLine && m.lastLine <= doc->lineCount());
        // Each message's source lines run from after its From_ line (lines 1, 10 and 17) to before the next one.
        QCOMPARE(doc->messages.at(0).firstLine, 2);
        QCOMPARE(doc->messages.at(0).lastLine, 9);
        QCOMPARE(doc->messages.at(1).firstLine, 11);
        QCOMPARE(doc->messages.at(1).lastLine, 16);
        QCOMPARE(doc->messages.at(2).firstLine, 18);
        QCOMPARE(doc->messages.at(2).lastLine, doc->lineCount());
    }

    void mboxQuotedFromLine()
    {
        // The returned message is quoted with its From_ line: one message, covering the whole file.
        const ui::DocumentPtr doc = ui::DocumentLoader::loadPath(
            fixture(QStringLiteral("messages/quoted-from-line.eml")), core::KnowledgeBase::builtIn());
        QCOMPARE(doc->kind, ui::Document::Kind::Bounce);
        QCOMPARE(doc->messages.size(), 1);
        QCOMPARE(doc->messages.at(0).firstLine, 2);
        QCOMPARE(doc->messages.at(0).lastLine, doc->lineCount());
    }

    void credentialsMasked()
    {
        QCOMPARE(ui::maskCredential(QStringLiteral(" ~> YW5uQHNob3AuZXhhbXBsZQ==")), QStringLiteral(" ~> [redacted]"));
        QCOMPARE(ui::maskCredential(QStringLiteral("C: AUTH PLAIN AGFubgBodW50ZXIy")),
            QStringLiteral("C: AUTH PLAIN [redacted]"));
        QCOMPARE(ui::maskCredential(QStringLiteral("<~  334 VXNlcm5hbWU6")), QStringLiteral("<~  334 VXNlcm5hbWU6"));
        QCOMPARE(ui::maskCredential(QStringLiteral(" ~> AUTH LOGIN")), QStringLiteral(" ~> AUTH LOGIN"));
        const ui::DocumentPtr doc = ui::DocumentLoader::loadPath(
            fixture(QStringLiteral("transcripts/swaks-starttls.txt")), core::KnowledgeBase::builtIn());
        QVERIFY(!doc->sourceText.isEmpty());
        QVERIFY(!doc->sourceText.contains(QStringLiteral("aHVudGVyMg==")));
        QVERIFY(doc->sourceText.contains(QStringLiteral("334 UGFzc3dvcmQ6")));
        QVERIFY(!doc->lines(23, 28).contains(QStringLiteral("aHVudGVyMg==")));
    }

    void emptyState()
    {
        ui::MainWindow window;
        window.showTab(ui::MainWindow::DocumentsTab);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.emptyState()->isVisible());
        QVERIFY(window.emptyState()->text().contains(QStringLiteral("Drop a bounce or an SMTP transcript here")));
    }

    void dropTranscriptAndClickFailingStep()
    {
        ui::MainWindow window;
        Tester documents(window.documentModel(), qtTest);
        ui::ConversationView *conversation = window.documentView()->conversation();
        Tester steps(conversation->model(), qtTest);
        Tester sessions(conversation->sessionModel(), qtTest);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        const QString path = fixture(QStringLiteral("transcripts/swaks-starttls.txt"));
        dropFiles(&window, { path });
        QCOMPARE(window.tabs()->currentIndex(), int(ui::MainWindow::DocumentsTab));
        QCOMPARE(window.documentModel()->rowCount(), 1);
        QVERIFY(settled(window));
        QTRY_COMPARE(window.documentView()->currentPage(), ui::DocumentView::TranscriptPage);

        ConversationModel *model = conversation->model();
        QCOMPARE(model->rowCount(), 10);
        const QStringList expected = { QString(), QString(), QStringLiteral("EHLO relay.shop.example"),
            QStringLiteral("STARTTLS"), QStringLiteral("EHLO relay.shop.example"), QStringLiteral("AUTH LOGIN"),
            QStringLiteral("MAIL FROM:<ann@shop.example>"), QStringLiteral("RCPT TO:<gone.user@inbound.example>"),
            QStringLiteral("QUIT"), QString() };
        for (int row = 0; row < model->rowCount(); ++row)
            if (!expected.at(row).isEmpty())
                QCOMPARE(model->index(row, ConversationModel::ClientColumn).data().toString(), expected.at(row));
        QCOMPARE(model->index(7, 0).data(ConversationModel::ReplyCodeRole).toString(), QStringLiteral("550 5.1.1"));
        QCOMPARE(model->firstFailingRow(), 7);
        QVERIFY(model->index(7, 0).data(ConversationModel::FirstFailureRole).toBool());
        // The lock from STARTTLS on.
        QVERIFY(!model->index(3, 0).data(ConversationModel::TlsRole).toBool());
        QVERIFY(model->index(4, 0).data(ConversationModel::TlsRole).toBool());
        QVERIFY(model->index(4, 0).data(ConversationModel::TlsBoundaryRole).toBool());
        QVERIFY(!conversation->sessionSelector()->isVisible());
        QVERIFY(window.recentFiles().contains(QFileInfo(path).absoluteFilePath()));

        // Click another step, then the failing one: the panel explains it, the source shows its lines.
        QTreeView *view = conversation->stepView();
        clickRow(view, model->index(2, ConversationModel::ClientColumn));
        QCOMPARE(conversation->currentStep(), 2);
        QCOMPARE(window.documentView()->source()->highlightedLines(), qMakePair(5, 11));
        clickRow(view, model->index(7, ConversationModel::ServerColumn));
        QCOMPARE(conversation->currentStep(), 7);
        const QString panel = window.documentView()->panel()->toPlainText();
        QVERIFY2(panel.contains(QStringLiteral("Permanent failure")), qPrintable(panel));
        QVERIFY(panel.contains(QStringLiteral("Class")));
        QVERIFY(panel.contains(QStringLiteral("Subject")));
        QVERIFY(panel.contains(QStringLiteral("Addressing status")));
        QVERIFY(panel.contains(QStringLiteral("Detail")));
        QVERIFY(panel.contains(QStringLiteral("5.1.1 Bad destination mailbox address")));
        QVERIFY(panel.contains(QStringLiteral("userunknown")));
        QCOMPARE(window.documentView()->source()->highlightedLines(), qMakePair(31, 34));

        // Keyboard navigation: Up moves to the previous step.
        view->setFocus();
        QTest::keyClick(view, Qt::Key_Up);
        QCOMPARE(conversation->currentStep(), 6);

        // The other way: a click in the source selects the step those lines belong to.
        ui::SourceView *source = window.documentView()->source();
        const QTextBlock quit = source->document()->findBlockByNumber(35 - 1);
        QTextCursor at(quit);
        const QPoint point = source->cursorRect(at).center();
        source->ensureCursorVisible();
        source->setTextCursor(at);
        source->ensureCursorVisible();
        QTest::mouseClick(source->viewport(), Qt::LeftButton, Qt::NoModifier, source->cursorRect(at).center());
        Q_UNUSED(point);
        QCOMPARE(source->cursorLine(), 35);
        QCOMPARE(conversation->currentStep(), 8);

        // Find in the document.
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        QLineEdit *find = window.documentView()->findField();
        QVERIFY(find->hasFocus());
        QTest::keyClicks(find, QStringLiteral("MAIL FROM"));
        QTest::keyClick(find, Qt::Key_Return);
        QCOMPARE(source->cursorLine(), 29);
        QCOMPARE(conversation->currentStep(), 6);

        // A code in the panel opens the code reference on it.
        clickRow(view, model->index(7, ConversationModel::ServerColumn));
        Q_EMIT window.documentView()->panel()->anchorClicked(QUrl(QStringLiteral("code:5.1.1")));
        QCOMPARE(window.tabs()->currentIndex(), int(ui::MainWindow::ReferenceTab));
        QCOMPARE(window.codeReference()->searchField()->text(), QStringLiteral("5.1.1"));
    }

    void severalSessions()
    {
        ui::MainWindow window;
        ui::ConversationView *conversation = window.documentView()->conversation();
        Tester sessions(conversation->sessionModel(), qtTest);
        Tester steps(conversation->model(), qtTest);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openPaths({ fixture(QStringLiteral("transcripts/postfix-log-docker-quoted.txt")) });
        QVERIFY(settled(window));
        QTRY_COMPARE(conversation->sessionModel()->rowCount(), 2);
        QVERIFY(conversation->sessionSelector()->isVisible());
        QCOMPARE(conversation->model()->rowCount(), 5);
        conversation->sessionSelector()->setFocus();
        QTest::keyClick(conversation->sessionSelector(), Qt::Key_Down);
        QCOMPARE(conversation->currentSession(), 1);
        QCOMPARE(conversation->model()->rowCount(), 2);
        QCOMPARE(conversation->currentStep(), 0); // the first failing step of that session
    }

    void dropBounce()
    {
        ui::MainWindow window;
        ui::BounceView *bounce = window.documentView()->bounce();
        Tester recipients(bounce->model(), qtTest);
        Tester proxy(bounce->proxy(), qtTest);
        Tester mime(bounce->mimeModel(), qtTest);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        dropFiles(&window, { fixture(QStringLiteral("gui/two-recipients.eml")) });
        QVERIFY(settled(window));
        QTRY_COMPARE(window.documentView()->currentPage(), ui::DocumentView::BouncePage);

        RecipientModel *model = bounce->model();
        QCOMPARE(model->rowCount(), 2);
        const auto cell = [model](int row, int column) { return model->index(row, column).data().toString(); };
        QCOMPARE(cell(0, RecipientModel::RecipientColumn), QStringLiteral("gone.user@inbound.example"));
        QCOMPARE(cell(0, RecipientModel::ActionColumn), QStringLiteral("failed"));
        QCOMPARE(cell(0, RecipientModel::StatusColumn), QStringLiteral("5.1.1"));
        QCOMPARE(cell(0, RecipientModel::ReplyColumn), QStringLiteral("550"));
        QCOMPARE(cell(0, RecipientModel::ReasonColumn), QStringLiteral("userunknown"));
        QCOMPARE(cell(0, RecipientModel::HardColumn), QStringLiteral("hard"));
        QVERIFY(!cell(0, RecipientModel::ToDoColumn).isEmpty());
        QCOMPARE(cell(1, RecipientModel::RecipientColumn), QStringLiteral("lee@full.example"));
        QCOMPARE(cell(1, RecipientModel::ActionColumn), QStringLiteral("delayed"));
        QCOMPARE(cell(1, RecipientModel::StatusColumn), QStringLiteral("4.2.2"));
        QCOMPARE(cell(1, RecipientModel::ReplyColumn), QStringLiteral("452"));
        QCOMPARE(cell(1, RecipientModel::HardColumn), QStringLiteral("soft"));

        // Identity and structure of the message.
        const QString info = bounce->messageInfo()->toPlainText();
        QVERIFY(info.contains(QStringLiteral("<order-10442.1772525637@shop.example>")));
        QVERIFY(info.contains(QStringLiteral("Your order 10442 has shipped")));
        QVERIFY(info.contains(QStringLiteral("relay.shop.example")));
        QCOMPARE(bounce->mimeModel()->rowCount(), 1);
        const QModelIndex top = bounce->mimeModel()->index(0, 0);
        QCOMPARE(top.data().toString(), QStringLiteral("multipart/report"));
        QCOMPARE(bounce->mimeModel()->rowCount(top), 3);

        // Sorting by reply code, ascending: the 452 first.
        QTreeView *view = bounce->recipientView();
        view->sortByColumn(RecipientModel::ReplyColumn, Qt::AscendingOrder);
        QCOMPARE(bounce->proxy()->index(0, RecipientModel::RecipientColumn).data().toString(),
            QStringLiteral("lee@full.example"));

        // Clicking a recipient decodes its reply and selects its DSN block in the source.
        clickRow(view, bounce->proxy()->index(1, RecipientModel::StatusColumn));
        QCOMPARE(bounce->currentRecipient(), 0);
        const QString panel = window.documentView()->panel()->toPlainText();
        QVERIFY2(panel.contains(QStringLiteral("Bad destination mailbox address")), qPrintable(panel));
        const QPair<int, int> lines = window.documentView()->source()->highlightedLines();
        QVERIFY(lines.first > 0);
        QVERIFY(window.documentView()
                    ->source()
                    ->document()
                    ->findBlockByNumber(lines.first - 1)
                    .text()
                    .startsWith(QStringLiteral("Final-Recipient: rfc822; gone.user@inbound.example")));

        // The filter keeps the matching rows.
        QTest::keyClicks(bounce->filterField(), QStringLiteral("mailbox full"));
        QCOMPARE(bounce->proxy()->rowCount(), 1);
        QCOMPARE(bounce->proxy()->index(0, 0).data().toString(), QStringLiteral("lee@full.example"));
        bounce->filterField()->clear();
        QCOMPARE(bounce->proxy()->rowCount(), 2);
    }

    void dropFolder()
    {
        ui::MainWindow window;
        Tester documents(window.documentModel(), qtTest);
        Tester recipients(window.documentView()->bounce()->model(), qtTest);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString folder = fixture(QStringLiteral("messages/maildir"));
        QVERIFY(!folder.isEmpty());
        dropFiles(&window, { folder });
        QVERIFY(settled(window));
        QTRY_COMPARE(window.documentView()->currentPage(), ui::DocumentView::BouncePage);
        const ui::DocumentPtr doc = window.documentView()->document();
        QCOMPARE(doc->messages.size(), core::MessageSource::listFolder(folder).size());
        QVERIFY(doc->messages.size() > 1);
        QCOMPARE(window.documentView()->bounce()->model()->rowCount(), [&doc] {
            int n = 0;
            for (const ui::BounceMessage &m : doc->messages)
                n += int(m.report.results.size());
            return n;
        }());
    }

    void pasteText()
    {
        ui::MainWindow window;
        Tester documents(window.documentModel(), qtTest);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QFile file(fixture(QStringLiteral("transcripts/smtplib-level2.txt")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QGuiApplication::clipboard()->setText(QString::fromUtf8(file.readAll()));
        window.documentList()->setFocus();
        QTest::keyClick(window.documentList(), Qt::Key_V, Qt::ControlModifier);
        QVERIFY(settled(window));
        QTRY_COMPARE(window.documentView()->currentPage(), ui::DocumentView::TranscriptPage);
        QCOMPARE(window.documentModel()->index(0).data(ui::DocumentModel::SortRole).toString(),
            QStringLiteral("Pasted text 1"));
        QCOMPARE(window.documentView()->document()->transcript.dialect, QStringLiteral("smtplib"));
        QCOMPARE(window.documentView()->conversation()->model()->firstFailingRow(), 7);
        // A step with a finding: its marker in the model, its text in the panel.
        ui::ConversationView *conversation = window.documentView()->conversation();
        const QModelIndex auth = conversation->model()->index(3, 0);
        QCOMPARE(auth.data(ConversationModel::FindingSeverityRole).toInt(), int(core::Finding::Severity::Warning));
        clickRow(conversation->stepView(), auth);
        QVERIFY(window.documentView()->panel()->toPlainText().contains(QStringLiteral("AUTH was sent before TLS")));

        // A bounce pasted through the Edit menu's action.
        QFile bounce(fixture(QStringLiteral("gui/two-recipients.eml")));
        QVERIFY(bounce.open(QIODevice::ReadOnly));
        QGuiApplication::clipboard()->setText(QString::fromUtf8(bounce.readAll()));
        QAction *paste = window.findChild<QAction *>(QStringLiteral("pasteAction"));
        QVERIFY(paste);
        paste->trigger();
        QVERIFY(settled(window));
        QTRY_COMPARE(window.documentView()->currentPage(), ui::DocumentView::BouncePage);
        QCOMPARE(window.documentView()->bounce()->model()->rowCount(), 2);

        // Text that is neither: an inline explanation.
        QGuiApplication::clipboard()->setText(QStringLiteral("Dear team,\nthe newsletter went out fine.\n"));
        paste->trigger();
        QVERIFY(settled(window));
        QTRY_COMPARE(window.documentView()->currentPage(), ui::DocumentView::MessagePage);
        QVERIFY(window.documentView()->messageLabel()->text().contains(QStringLiteral("Not a transcript or a bounce")));
        QCOMPARE(window.documentModel()->rowCount(), 3);
    }

    void unreadableFile()
    {
        ui::MainWindow window;
        Tester documents(window.documentModel(), qtTest);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString missing = dir.filePath(QStringLiteral("gone.eml"));
        const QString locked = dir.filePath(QStringLiteral("locked.eml"));
        QFile lockedFile(locked);
        QVERIFY(lockedFile.open(QIODevice::WriteOnly));
        lockedFile.write("From: a@b\nTo: c@d\n\nhello\n");
        lockedFile.close();
        QVERIFY(lockedFile.setPermissions(QFileDevice::Permissions()));
        const bool root = QFile(locked).open(QIODevice::ReadOnly); // root reads anyway

        dropFiles(&window, { missing, locked });
        QVERIFY(settled(window));
        QCOMPARE(window.documentModel()->rowCount(), 2);
        window.setCurrentDocument(0);
        QTRY_COMPARE(window.documentView()->currentPage(), ui::DocumentView::MessagePage);
        QVERIFY(window.documentView()->messageLabel()->text().contains(QStringLiteral("could not be read")));
        QVERIFY(window.documentModel()
                    ->index(0)
                    .data(ui::DocumentModel::ErrorRole)
                    .toString()
                    .contains(QStringLiteral("no such file")));
        QVERIFY(window.documentModel()->index(0).data().toString().contains(QStringLiteral("no such file")));
        if (!root) {
            window.setCurrentDocument(1);
            QVERIFY(window.documentModel()
                        ->index(1)
                        .data(ui::DocumentModel::ErrorRole)
                        .toString()
                        .contains(QStringLiteral("Cannot read")));
        }
        QVERIFY(!QApplication::activeModalWidget());
        QVERIFY(!window.recentFiles().contains(missing));

        // Still usable: the next drop opens.
        dropFiles(&window, { fixture(QStringLiteral("transcripts/swaks-starttls.txt")) });
        QVERIFY(settled(window));
        QTRY_COMPARE(window.documentView()->currentPage(), ui::DocumentView::TranscriptPage);
        QCOMPARE(window.documentModel()->rowCount(), 3);

        // Closing documents returns to the empty state.
        for (int i = 0; i < 3; ++i) {
            window.setCurrentDocument(0);
            window.closeCurrentDocument();
        }
        QCOMPARE(window.documentModel()->rowCount(), 0);
        QVERIFY(window.emptyState()->isVisible());
    }

    void cancelLoading()
    {
        QTemporaryDir dir;
        const QString big = dir.filePath(QStringLiteral("big.log"));
        {
            QFile f(big);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QFile sample(fixture(QStringLiteral("transcripts/swaks-starttls.txt")));
            QVERIFY(sample.open(QIODevice::ReadOnly));
            const QByteArray chunk = sample.readAll();
            for (int i = 0; i < 2000; ++i)
                f.write(chunk);
        }
        ui::MainWindow window;
        Tester documents(window.documentModel(), qtTest);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy cancelled(window.loader(), &ui::DocumentLoader::cancelled);
        QSignalSpy finished(window.loader(), &ui::DocumentLoader::finished);
        window.openPaths({ big });
        QCOMPARE(window.documentModel()->rowCount(), 1);
        QCOMPARE(window.documentView()->currentPage(), ui::DocumentView::LoadingPage);
        QTest::mouseClick(window.documentView()->stopButton(), Qt::LeftButton);
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(window.documentModel()->rowCount(), 0);
        QCOMPARE(window.loader()->runningCount(), 0);
        QVERIFY(window.emptyState()->isVisible());
        // Opening again works and is delivered.
        window.openPaths({ big });
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        QCOMPARE(cancelled.count(), 1);
        QTRY_COMPARE(window.documentView()->currentPage(), ui::DocumentView::TranscriptPage);
        QCOMPARE(window.documentView()->conversation()->sessionModel()->rowCount(), 2000);
    }

    void settingsRestored()
    {
        const QString path = QFileInfo(fixture(QStringLiteral("transcripts/msmtp.txt"))).absoluteFilePath();
        QByteArray splitter;
        {
            ui::MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.openPaths({ path });
            QVERIFY(settled(window));
            window.documentView()->horizontalSplitter()->setSizes({ 500, 300 });
            splitter = window.documentView()->horizontalSplitter()->saveState();
            window.close();
        }
        ui::MainWindow again;
        QCOMPARE(again.recentFiles().value(0), path);
        QCOMPARE(again.documentView()->horizontalSplitter()->saveState(), splitter);
    }
};

QTEST_MAIN(TestWorkbench)
#include "tst_workbench.moc"
