// Command go-original is the Go/Gin API of the article this project grew from, written again from
// the article's handlers as a benchmark peer: the same routes, the same naive cache-aside with
// gomemcache over CACHE_HOST1 and CACHE_HOST2, the same query and JSON. It is a measuring stick
// beside bench/floors, not part of the service: keep it as naive as the article.
package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"

	"github.com/bradfitz/gomemcache/memcache"
	"github.com/gin-gonic/gin"
	_ "github.com/go-sql-driver/mysql"
)

type Customer struct {
	ID          int    `json:"id"`
	Value       string `json:"value"`
	SleepResult int    `json:"sleepResult"`
}

func getenv(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

func main() {
	// The article sleeps 10 s; like the service, SLOW_QUERY_SECONDS changes it. It goes into the
	// SQL text (the article's query has a literal), so only a plain decimal is accepted.
	sleep := getenv("SLOW_QUERY_SECONDS", "10")
	if !regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`).MatchString(sleep) {
		fmt.Printf("SLOW_QUERY_SECONDS=%q is not a decimal number of seconds\n", sleep)
		os.Exit(64)
	}
	slowQuery := "SELECT id, value, SLEEP(" + sleep + ") FROM customers WHERE id = ?"

	db, err := sql.Open("mysql", fmt.Sprintf("%s:%s@tcp(%s:%s)/%s",
		os.Getenv("DB_USER"), os.Getenv("DB_PASS"), os.Getenv("DB_HOST"), os.Getenv("DB_PORT"), os.Getenv("DB_NAME")))
	if err != nil {
		fmt.Printf("Error mysql connect: %v\n", err)
	}
	defer func(db *sql.DB) {
		_ = db.Close()
	}(db)
	if err = db.Ping(); err != nil {
		fmt.Printf("Error pinging database: %v\n", err)
	}

	mc := memcache.New(os.Getenv("CACHE_HOST1"), os.Getenv("CACHE_HOST2"))

	r := gin.Default()
	r.GET("/", func(c *gin.Context) {
		c.String(http.StatusOK, "OK")
	})
	r.GET("/db/:id", func(c *gin.Context) {
		paramId := c.Param("id")
		var result Customer
		err := db.QueryRow(slowQuery, paramId).Scan(&result.ID, &result.Value, &result.SleepResult)
		if err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
			return
		}
		c.JSON(http.StatusOK, result)
	})
	r.GET("/cache/:id", func(c *gin.Context) {
		paramId := c.Param("id")
		item, err := mc.Get(paramId)
		if err == memcache.ErrCacheMiss {
			var result Customer
			err := db.QueryRow(slowQuery, paramId).Scan(&result.ID, &result.Value, &result.SleepResult)
			if err != nil {
				c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
				return
			}
			resultBytes, err := json.Marshal(result)
			if err != nil {
				c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
				return
			}
			item = &memcache.Item{Key: paramId, Value: resultBytes}
			if err := mc.Set(item); err != nil {
				c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
				return
			}
			c.JSON(http.StatusOK, result)
			return
		}
		if err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
			return
		}
		result := Customer{}
		if err = json.Unmarshal(item.Value, &result); err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
			return
		}
		c.JSON(http.StatusOK, result)
	})

	if err = r.Run(":" + getenv("PORT", "8080")); err != nil {
		fmt.Printf("Error start server: %v\n", err)
	}
}
