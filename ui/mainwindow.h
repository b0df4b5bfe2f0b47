#pragma once

#include "kb/knowledgebase.h"

#include <QMainWindow>

class QTabWidget;

namespace smtpscope::ui {

class CodeReferenceView;
class DecodePane;

/// The workbench window: one tab per tool, over the built-in knowledge base.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum Tab { DecodeTab, ReferenceTab };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Null when the knowledge base failed to load (the error is shown instead).
    DecodePane *decodePane() const { return m_decode; }
    CodeReferenceView *codeReference() const { return m_reference; }
    QTabWidget *tabs() const { return m_tabs; }
    std::shared_ptr<const core::KnowledgeBase> knowledgeBase() const { return m_kb; }

    void showTab(Tab tab);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void showKnowledgeBaseError();
    void findInReference();
    void about();
    void restoreSettings();
    void saveSettings() const;

    std::shared_ptr<const core::KnowledgeBase> m_kb;
    QTabWidget *m_tabs = nullptr;
    DecodePane *m_decode = nullptr;
    CodeReferenceView *m_reference = nullptr;
};

} // namespace smtpscope::ui
