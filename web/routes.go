package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// routes is the one table of every route the studio serves.
func (s *Server) routes() {
	e := s.echo
	// Before routing, so that nothing answers a name that is not the studio's (hosts.go).
	e.Pre(s.checkHost)
	// Every route, websockets included, is for an identified user and checks CSRF tokens.
	e.Use(s.authenticate)
	e.Use(s.countInbox) // the navigation's badge: how many tasks wait
	e.GET("/login", s.handleLoginPage)
	e.POST("/login", s.handleLogin)
	e.POST("/logout", s.handleLogout)
	e.GET("/", s.handleHome)
	e.POST("/machines", s.handleMachineCreate)
	e.GET("/machines/:name", s.handleMachineShow)
	e.POST("/machines/:name", s.handleMachineUpdate)
	e.GET("/machines/:name/definition.asl.json", s.handleMachineDefinition)
	e.GET("/machines/:name/graph.svg", s.handleMachineSVG)
	e.GET("/machines/:name/design", s.handleDesigner)
	e.POST("/machines/:name/design/apply", s.handleDesignApply)
	e.POST("/machines/:name/design/save", s.handleDesignSave)
	e.POST("/machines/:name/design/test", s.handleDesignTest)
	e.POST("/machines/:name/executions", s.handleExecutionStart)
	e.GET("/executions/:id", s.handleExecutionShow)
	e.GET("/executions/:id/ws", s.handleExecutionSocket)
	e.GET("/executions/:id/export.json", s.handleExecutionExport)
	e.GET("/executions/:id/visits/:visit", s.handleExecutionVisit)
	e.POST("/executions/:id/stop", s.handleExecutionStop)
	e.POST("/executions/:id/redrive", s.handleExecutionRedrive)
	e.GET("/machines/:name/executions", s.handleMachineExecutionList)
	e.GET("/machines/:name/inputs", s.handleInputList)
	e.PUT("/machines/:name/inputs/:input", s.handleInputSave)
	e.DELETE("/machines/:name/inputs/:input", s.handleInputDelete)
	e.GET("/executions", s.handleExecutionList)
	e.GET("/executions/ws", s.handleExecutionListSocket)
	e.GET("/executions/compare", s.handleCompare)
	e.GET("/inbox", s.handleInbox)
	e.GET("/inbox/ws", s.handleInboxSocket)
	e.POST("/inbox/:id/approve", s.handleTaskApprove)
	e.POST("/inbox/:id/reject", s.handleTaskReject)
	e.GET("/inbox/:id", s.handleTaskShow)
	e.POST("/inbox/:id/claim", s.handleTaskClaim)
	e.POST("/inbox/:id/release", s.handleTaskRelease)
	e.POST("/inbox/:id/heartbeat", s.handleTaskHeartbeat)
	e.GET("/audit", s.handleAuditList)
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", http.FileServerFS(s.cfg.Static))))
}
