package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// routes is the one table of every route the studio serves.
func (s *Server) routes() {
	e := s.echo
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
	e.GET("/inbox", s.handleInbox)
	e.POST("/inbox/:id/approve", s.handleTaskApprove)
	e.POST("/inbox/:id/reject", s.handleTaskReject)
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", http.FileServerFS(s.cfg.Static))))
}
